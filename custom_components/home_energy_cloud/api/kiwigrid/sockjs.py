"""SockJS framing over a raw websocket (notes §2.2).

Server frames: ``o`` (open), ``h`` (heartbeat), ``a[...]`` (a JSON array of strings, each one
JSON message) and ``c[code,"reason"]`` (close). Client frames are a JSON array of strings: each
message is JSON-encoded, then wrapped, i.e. encoded twice.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import random
import string

from .exceptions import KiwigridProtocolError


@dataclass(frozen=True)
class OpenFrame:
    """``o``: the session is open."""


@dataclass(frozen=True)
class HeartbeatFrame:
    """``h``: the server is still there."""


@dataclass(frozen=True)
class MessageFrame:
    """``a[...]``: one or more messages, each still a JSON text."""

    messages: tuple[str, ...]


@dataclass(frozen=True)
class CloseFrame:
    """``c[code, reason]``: the server closes the session."""

    code: int
    reason: str


type SockJsFrame = OpenFrame | HeartbeatFrame | MessageFrame | CloseFrame


def parse_frame(text: str) -> SockJsFrame:
    """One server frame, or :class:`KiwigridProtocolError`."""
    if text == "o":
        return OpenFrame()
    if text == "h":
        return HeartbeatFrame()
    kind, payload = text[:1], text[1:]
    if kind not in {"a", "c"}:
        raise KiwigridProtocolError("not a SockJS frame")
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError) as err:
        raise KiwigridProtocolError("a SockJS frame with a broken JSON payload") from err
    if kind == "a":
        if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
            raise KiwigridProtocolError("a SockJS message frame is not a list of strings")
        return MessageFrame(tuple(value))
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or isinstance(value[0], bool)
        or not isinstance(value[1], str)
    ):
        raise KiwigridProtocolError("a SockJS close frame is not [code, reason]")
    return CloseFrame(value[0], value[1])


def encode_messages(*messages: object) -> str:
    """A client frame: each message JSON-encoded, then the list of those texts encoded."""
    return json.dumps([json.dumps(message, separators=(",", ":")) for message in messages])


def session_path(prefix: str) -> str:
    """``<prefix>/<server-id>/<session-id>/websocket`` with fresh random ids (SockJS)."""
    server_id = f"{random.randrange(1000):03d}"  # noqa: S311 - routing ids, not secrets
    session_id = "".join(random.choices(string.ascii_lowercase + string.digits, k=8))  # noqa: S311
    return f"{prefix.rstrip('/')}/{server_id}/{session_id}/websocket"
