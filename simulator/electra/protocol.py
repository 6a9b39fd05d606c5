"""The response envelope of ``/mobile/mobilecommand`` and small parsing helpers.

Every answer is ``{"id", "status", "desc", "data"}``. Success needs ``status == 0`` and
``data.res == 0``; command-level refusals keep ``status == 0`` and put the reason in
``data.res``/``data.res_desc``; session failures are ``status == 1`` with ``data: null``.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any

# Result codes. Only RES_INTRUDER (1) and RES_UNKNOWN_PHONE / RES_BAD_CODE (100, from Home
# Assistant's fixtures) are anchored in the notes; the others are this fake's choices.
RES_OK = 0
RES_INTRUDER = 1
RES_TOKEN_NOT_FOUND = 2
RES_BAD_REQUEST = 99
RES_UNKNOWN_PHONE = 100
RES_BAD_CODE = 100

STATUS_OK = 0
STATUS_SESSION = 1
STATUS_SERVER_ERROR = 99


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command handler answers, before the request id is echoed into it."""

    status: int
    desc: str | None
    data: dict[str, Any] | None

    def envelope(self, request_id: object) -> dict[str, Any]:
        """Return the full JSON body sent to the client."""
        return {"id": request_id, "status": self.status, "desc": self.desc, "data": self.data}


def ok(**payload: object) -> Reply:
    """Build a success: payload keys first, then ``res``/``res_desc``, as the cloud orders them."""
    return Reply(STATUS_OK, None, {**payload, "res": RES_OK, "res_desc": None})


def refused(res: int, res_desc: str, *, status: int = STATUS_OK, **payload: object) -> Reply:
    """Build a command-level refusal: the envelope is fine, ``data.res`` says what went wrong."""
    return Reply(status, None, {**payload, "res": res, "res_desc": res_desc})


def session_failure() -> Reply:
    """Answer a missing, unknown or expired sid with ``status 1, data null`` (HA #118398)."""
    return Reply(STATUS_SESSION, None, None)


def server_failure(status: int, desc: str | None) -> Reply:
    """Build a failure without payload, as seen on GET_DEVICES (``status 99, data null``)."""
    return Reply(status, desc, None)


def compact_json(value: object) -> str:
    """Encode JSON the way the cloud writes its embedded strings: no spaces, UTF-8 kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def parse_int_id(value: object) -> int | None:
    """Read a device or event id sent as an int or a decimal string (the cloud takes both)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
