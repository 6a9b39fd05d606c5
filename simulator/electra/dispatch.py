"""Route one decoded request to its command handler, checking the sid where one is needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import auth_commands, device_commands, timer_commands
from .protocol import (
    RES_BAD_REQUEST,
    STATUS_SERVER_ERROR,
    Reply,
    refused,
    server_failure,
    session_failure,
)
from .state import Account, CloudState

PublicHandler = Callable[[CloudState, dict[str, Any]], Reply]
SessionHandler = Callable[[CloudState, Account, dict[str, Any]], Reply]

PUBLIC: dict[str, PublicHandler] = {
    "SEND_OTP": auth_commands.send_otp,
    "CHECK_OTP": auth_commands.check_otp,
    "VALIDATE_TOKEN": auth_commands.validate_token,
}
SESSION: dict[str, SessionHandler] = {
    "GET_DEVICES": device_commands.get_devices,
    "GET_LAST_TELEMETRY": device_commands.get_last_telemetry,
    "SEND_COMMAND": device_commands.send_command,
    "GET_EVENTS": timer_commands.get_events,
    "SET_EVENT": timer_commands.set_event,
    "DELETE_EVENT": timer_commands.delete_event,
    "SET_DEVICE_EVENTS_FLAG": timer_commands.set_device_events_flag,
}
COMMANDS = frozenset(PUBLIC) | frozenset(SESSION)


def dispatch(state: CloudState, cmd: object, sid: object, data: object) -> Reply:
    """Answer one request (``data`` may be absent; it is then ``{}``)."""
    if not isinstance(cmd, str) or cmd not in COMMANDS:
        return server_failure(STATUS_SERVER_ERROR, "Unknown command")
    forced = state.forced_failures.get(cmd)
    if forced:
        status, desc = forced.pop(0)
        return server_failure(status, desc)
    args: dict[str, Any] | None = {} if data is None else data if isinstance(data, dict) else None
    if cmd in PUBLIC:
        return PUBLIC[cmd](state, args) if args is not None else _invalid_data()
    # The session is checked before the arguments, as a gateway in front of the handlers would.
    phone = state.auth.session_phone(sid)
    account = state.account(phone) if phone is not None else None
    if account is None:
        return session_failure()
    return SESSION[cmd](state, account, args) if args is not None else _invalid_data()


def _invalid_data() -> Reply:
    return refused(RES_BAD_REQUEST, "Invalid data")
