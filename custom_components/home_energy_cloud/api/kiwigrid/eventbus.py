"""vert.x 2 event-bus bridge envelopes (notes §2.3-§2.6).

Outgoing ``{type, address, body, replyAddress?}``; a reply comes back as a message whose
``address`` is the request's ``replyAddress``. Reply bodies carry ``code`` (200 OK, 419 token
expired, ...) and ``result``; pushed device-set events are ``{type, value}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import json
from typing import Any

from .exceptions import KiwigridProtocolError
from .models import KiwigridDevice, parse_device


@dataclass(frozen=True)
class Envelope:
    """One incoming bus message."""

    address: str
    body: Any = field(repr=False)
    type: str | None = None
    """vert.x 3 bridges add ``type`` (``rec``, ``err``); vert.x 2 sends none."""


def parse_envelope(text: str) -> Envelope:
    """One message of a SockJS ``a`` frame."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise KiwigridProtocolError("a bus message is not JSON") from err
    if not isinstance(value, Mapping):
        raise KiwigridProtocolError("a bus message is not an object")
    kind, address = value.get("type"), value.get("address")
    if not isinstance(address, str):
        raise KiwigridProtocolError("a bus message has no address")
    return Envelope(address, value.get("body"), kind if isinstance(kind, str) else None)


def send_envelope(
    address: str, body: Mapping[str, Any], reply_address: str | None = None
) -> dict[str, Any]:
    """A ``send`` (a reply is routed to ``reply_address`` when given)."""
    envelope: dict[str, Any] = {"type": "send", "address": address, "body": dict(body)}
    if reply_address is not None:
        envelope["replyAddress"] = reply_address
    return envelope


def register_envelope(address: str) -> dict[str, Any]:
    """Register a client-side handler address (for pushed events)."""
    return {"type": "register", "address": address}


PING: dict[str, Any] = {"type": "ping"}


@dataclass(frozen=True)
class Reply:
    """A service's answer: ``{status, code, message, result}``."""

    code: int
    message: str | None
    result: Any = field(repr=False)


def parse_reply(body: object) -> Reply:
    """A reply body; a missing code is refused rather than guessed."""
    if not isinstance(body, Mapping):
        raise KiwigridProtocolError("a bus reply body is not an object")
    code = body.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        raise KiwigridProtocolError("a bus reply has no numeric code")
    message = body.get("message")
    return Reply(code, message if isinstance(message, str) else None, body.get("result"))


@dataclass(frozen=True)
class DevicePage:
    """One ``getDevices`` page: ``{offset, limit, total, items}``."""

    offset: int
    total: int
    items: list[dict[str, Any]] = field(repr=False)


def parse_device_page(result: object) -> DevicePage:
    """A getDevices ``result``; ``items`` stay raw so pages can be merged before parsing."""
    if not isinstance(result, Mapping):
        raise KiwigridProtocolError("a getDevices result is not an object")
    items, offset, total = result.get("items"), result.get("offset", 0), result.get("total")
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise KiwigridProtocolError("a getDevices result has no item list")
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise KiwigridProtocolError("a getDevices result has no offset")
    if total is None:
        total = offset + len(items)
    if not isinstance(total, int) or isinstance(total, bool):
        raise KiwigridProtocolError("a getDevices result has no total")
    return DevicePage(offset, total, [dict(i) for i in items])


@dataclass(frozen=True)
class DeviceEvent:
    """A pushed device-set change: CREATED, UPDATED or DELETED, with the (partial) device."""

    type: str
    guid: str
    raw: Mapping[str, Any] = field(repr=False)
    device: KiwigridDevice | None = None
    """The typed device (None when invisible, of no known kind, or for DELETED)."""


def parse_device_event(body: object) -> DeviceEvent:
    """``{type: CREATED|UPDATED|DELETED, value: <partial device>}``."""
    if not isinstance(body, Mapping) or not isinstance(body.get("value"), Mapping):
        raise KiwigridProtocolError("a device event has no value")
    kind = body.get("type")
    if kind not in {"CREATED", "UPDATED", "DELETED"}:
        raise KiwigridProtocolError("a device event of unknown type")
    value: Mapping[str, Any] = body["value"]
    guid = value.get("guid")
    if not isinstance(guid, str) or not guid:
        guid = _guid_from_tags(value)  # pushed partial devices may omit guid (notes §2.6)
    device = None if kind == "DELETED" else parse_device({**value, "guid": guid})
    return DeviceEvent(kind, guid, value, device)


def _guid_from_tags(value: Mapping[str, Any]) -> str:
    tags = value.get("tagValues")
    if isinstance(tags, Mapping):
        for entry in tags.values():
            if isinstance(entry, Mapping) and isinstance(entry.get("guid"), str):
                return str(entry["guid"])
    raise KiwigridProtocolError("a device event names no device")
