"""Asynchronous client of the Electra Smart "mobilecommand" cloud API.

Plain asyncio on an injected aiohttp session; no Home Assistant imports. Protocol facts and the
reasoning behind the session, write and read-back rules are in the Electra protocol notes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
import functools
import itertools
import json
import logging
import re
import secrets
import time
from typing import Any

import aiohttp

from ..exceptions import ApiConnectionError, ApiProtocolError, ApiTimeoutError
from .const import (
    AC_MODE,
    AC_STSRC,
    API_PATH,
    CMD_CHECK_OTP,
    CMD_DELETE_EVENT,
    CMD_GET_DEVICES,
    CMD_GET_EVENTS,
    CMD_GET_LAST_TELEMETRY,
    CMD_SEND_COMMAND,
    CMD_SEND_OTP,
    CMD_SET_DEVICE_EVENTS_FLAG,
    CMD_SET_EVENT,
    CMD_VALIDATE_TOKEN,
    DEFAULT_BASE_URL,
    FRESH_STATE_MAX_AGE,
    GROUP_OPER,
    IMEI_PREFIX,
    IMEI_RANDOM_DIGITS,
    OFF,
    OS_NAME,
    OS_VERSION,
    PROVIDER_ID,
    RES_DESC_LOCKOUT,
    RES_DESC_TOKEN_NOT_FOUND,
    SPT,
    STBY,
    STSRC_WIFI,
    TURN_ON_OFF,
    UNVERIFIED_KEYS,
    USER_AGENT,
)
from .exceptions import (
    ElectraAuthError,
    ElectraClientClosedError,
    ElectraCommandNotAppliedError,
    ElectraDeviceOfflineError,
    ElectraHttpError,
    ElectraInvalidCodeError,
    ElectraInvalidPhoneError,
    ElectraLockoutError,
    ElectraResponseError,
    ElectraServiceError,
    ElectraTokenNotFoundError,
)
from .models import (
    ElectraDevice,
    ElectraSession,
    ElectraStats,
    ElectraTelemetry,
    ElectraTimer,
    ElectraTimers,
    parse_devices,
)
from .session import SessionManager

_LOGGER = logging.getLogger(__name__)

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_LOCAL_MOBILE = re.compile(r"05[0-9]{8}")

type OperValue = str | int


def normalize_phone(raw: str) -> str:
    """Return the local form `05XXXXXXXX` of an Israeli mobile number.

    The international form must not reach the cloud: it appears to address a different, empty
    account (GET_DEVICES answers `devices: null`).
    """
    number = _PHONE_SEPARATORS.sub("", raw)
    for prefix in ("+972", "00972", "972"):
        if number.startswith(prefix):
            number = number.removeprefix(prefix)
            if not number.startswith("0"):
                number = "0" + number
            break
    if not _LOCAL_MOBILE.fullmatch(number):
        raise ValueError("not an Israeli mobile number (expected 05XXXXXXXX)")
    return number


def generate_imei() -> str:
    """Return a fresh client IMEI; the token the cloud issues is bound to it."""
    digits = "".join(secrets.choice("0123456789") for _ in range(IMEI_RANDOM_DIGITS))
    return IMEI_PREFIX + digits


def _same_value(requested: object, reported: object) -> bool:
    """Whether the unit reports what was sent; it may echo "23" for 23 or change the case."""
    if requested is None or reported is None:
        return requested is reported
    left, right = str(requested).strip(), str(reported).strip()
    try:
        return float(left) == float(right)
    except ValueError:
        return left.casefold() == right.casefold()


def _coerce(key: str, value: object, current: object) -> object:
    """Convert the value to the type the unit uses for this key (SPT: str on most, int on some)."""
    if isinstance(value, float) and not isinstance(value, bool):
        # Fractional setpoints broke writes for other clients; the units take whole degrees.
        value = round(value) if key == SPT or value.is_integer() else value
    if isinstance(current, bool) or isinstance(value, bool):
        return value
    if isinstance(current, int) and isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    if isinstance(current, str) and isinstance(value, int):
        return str(value)
    return value


def build_oper(
    current: Mapping[str, Any], changes: Mapping[str, OperValue]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the full OPER to send, and the subset of it that the read-back must find.

    Keys the unit does not report are sent (the caller may know better) but not verified, since
    the unit cannot echo them; nor are the keys set for the cloud's sake (AC_STSRC).
    """
    oper = dict(current)
    expected: dict[str, Any] = {}
    has_power_flag = TURN_ON_OFF in current
    for key, raw_value in changes.items():
        target: str = key
        value: object = raw_value
        if (
            has_power_flag
            and target == AC_MODE
            and isinstance(value, str)
            and value.strip().upper() == STBY
        ):
            # The cloud ignores STBY on units with a power flag; off is TURN_ON_OFF=OFF there.
            target, value = TURN_ON_OFF, OFF
        value = _coerce(target, value, current.get(target))
        oper[target] = value
        if target in current and target not in UNVERIFIED_KEYS:
            expected[target] = value
    if AC_STSRC in current:
        # Forcing the key onto units that lack it broke them for another client; set it only here.
        oper[AC_STSRC] = STSRC_WIFI
    return oper, expected


def _mismatches(expected: Mapping[str, Any], oper: Mapping[str, Any] | None) -> dict[str, Any]:
    reported = oper or {}
    return {
        key: (value, reported.get(key))
        for key, value in expected.items()
        if not _same_value(value, reported.get(key))
    }


@dataclass(slots=True)
class _WriteBatch:
    """set_state calls for one device that will go out as one SEND_COMMAND."""

    future: asyncio.Future[ElectraTelemetry]
    changes: dict[str, OperValue] = field(default_factory=dict)
    callers: int = 0


class ElectraClient:
    """One Electra Smart account (token + IMEI), shared by everything that talks to it."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        imei: str,
        token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        clock: Callable[[], float] = time.monotonic,
        request_timeout: float = 30.0,
        confirm_delay: float = 3.0,
        confirm_attempts: int = 3,
        merge_window: float = 0.5,
        on_session_change: Callable[[ElectraSession], None] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Set up the client; nothing is sent until the first call.

        `on_session_change(snapshot)` is called synchronously, right after the session changed:
        a new SID (CHECK_OTP or VALIDATE_TOKEN) or a VALIDATE_TOKEN sent whatever its answer
        (its time is what the lockout guard counts from). It is never called otherwise, so
        saving the snapshot there writes only when something changed. It must not raise.

        `sleep` waits out the merge window and the read-back delay (tests pass one that moves
        their simulated clock).
        """
        self._http = session
        self._imei = imei
        self._token = token
        self._url = base_url.rstrip("/") + API_PATH
        self._clock = clock
        self._request_timeout = request_timeout
        self._confirm_delay = confirm_delay
        self._confirm_attempts = max(1, confirm_attempts)
        self._merge_window = merge_window
        self._sleep = sleep
        self._on_session_change = on_session_change
        self._closed = False
        self._request_ids = itertools.count(1000)
        self.stats = ElectraStats()
        self._sessions = SessionManager(
            clock, self._validate_token, self.stats, self._session_changed
        )
        self._states: dict[int, ElectraTelemetry] = {}
        # Bumped when a write is confirmed, so a read that began before it can tell (see
        # get_telemetry).
        self._write_generation: dict[int, int] = {}
        self._batches: dict[int, _WriteBatch] = {}
        self._write_locks: dict[int, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def imei(self) -> str:
        """The client IMEI the token is bound to."""
        return self._imei

    @property
    def token(self) -> str | None:
        """The long-lived token (None before login)."""
        return self._token

    def session_snapshot(self) -> ElectraSession:
        """The current session, to hand to a later client for the same token."""
        return self._sessions.snapshot()

    def restore_session(self, session: ElectraSession) -> None:
        """Continue an earlier client's session (same token), keeping its rate-limit state.

        Does not call `on_session_change`: the caller already holds what it restores.
        """
        self._sessions.restore(session)

    def _session_changed(self) -> None:
        if self._on_session_change is not None:
            self._on_session_change(self._sessions.snapshot())

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    async def close(self) -> None:
        """Stop for good: cancel queued and in-flight writes; every later call raises.

        Callers waiting on a cancelled write get ElectraClientClosedError, as does every call
        made afterwards. Idempotent. The injected aiohttp session is the caller's to close.
        """
        if self._closed:
            return
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _ensure_open(self) -> None:
        if self._closed:
            raise ElectraClientClosedError

    # ------------------------------------------------------------------ login

    async def send_otp(self, phone: str) -> None:
        """Ask the cloud to text a one-time code to `phone`."""
        try:
            local = normalize_phone(phone)
        except ValueError as err:
            raise ElectraInvalidPhoneError(str(err)) from err
        envelope = await self._post(CMD_SEND_OTP, {"imei": self._imei, "phone": local}, None)
        data = envelope["data"]
        if isinstance(data, dict) and data.get("res") not in (0, None):
            raise ElectraInvalidPhoneError(
                "phone number refused (unknown or not registered)", **_result_fields(envelope)
            )
        self._require_success(CMD_SEND_OTP, envelope)

    async def check_otp(self, phone: str, code: str) -> str:
        """Exchange the texted code for a token; its SID becomes this client's session."""
        try:
            local = normalize_phone(phone)
        except ValueError as err:
            raise ElectraInvalidPhoneError(str(err)) from err
        payload = {
            "imei": self._imei,
            "phone": local,
            "code": code.strip(),
            "os": OS_NAME,
            "osver": OS_VERSION,
        }
        envelope = await self._post(CMD_CHECK_OTP, payload, None)
        data = envelope["data"]
        if isinstance(data, dict) and data.get("res") not in (0, None):
            raise ElectraInvalidCodeError("code refused", **_result_fields(envelope))
        data = self._require_success(CMD_CHECK_OTP, envelope)
        token, sid = data.get("token"), data.get("sid")
        if not isinstance(token, str) or not token or not isinstance(sid, str) or not sid:
            raise ApiProtocolError("CHECK_OTP answer lacks token or sid")
        self._token = token
        self._sessions.adopt(sid)
        return token

    async def _validate_token(self) -> str:
        """One VALIDATE_TOKEN: a new SID for the stored token (called by the session manager)."""
        if self._token is None:
            raise ElectraAuthError("no Electra token; log in first")
        payload = {"imei": self._imei, "token": self._token, "os": OS_NAME, "osver": OS_VERSION}
        envelope = await self._post(CMD_VALIDATE_TOKEN, payload, None)
        data = envelope["data"]
        if isinstance(data, dict) and data.get("res") not in (0, None):
            desc = str(data.get("res_desc") or "").casefold()
            fields = _result_fields(envelope)
            if RES_DESC_LOCKOUT in desc:
                raise ElectraLockoutError("Electra refused the session: Intruder lockout")
            if RES_DESC_TOKEN_NOT_FOUND in desc:
                raise ElectraTokenNotFoundError("Electra refused the session: Token not found")
            raise ElectraResponseError(
                f"VALIDATE_TOKEN failed: res {fields['res']} ({fields['res_desc']})", **fields
            )
        data = self._require_success(CMD_VALIDATE_TOKEN, envelope)
        sid = data.get("sid")
        if not isinstance(sid, str) or not sid:
            raise ApiProtocolError("VALIDATE_TOKEN answer lacks sid")
        return sid

    # ------------------------------------------------------------------ reads

    async def get_devices(self) -> list[ElectraDevice]:
        """Return the account's air conditioners."""
        return parse_devices(await self._call(CMD_GET_DEVICES, {}))

    async def get_telemetry(self, device_id: int) -> ElectraTelemetry:
        """Read OPER, DIAG_L2 and HB of one unit now, and cache the result.

        A read that began before a write to the unit was confirmed may carry the state from
        before that write; it then returns (and keeps) the confirmed state instead, so the
        answer is never older than the last confirmed write.
        """
        generation = self._write_generation.get(device_id, 0)
        data = await self._call(
            CMD_GET_LAST_TELEMETRY, {"id": device_id, "commandName": "OPER,DIAG_L2,HB"}
        )
        telemetry = ElectraTelemetry.from_api(data, self._clock())
        confirmed = self._states.get(device_id)
        if confirmed is not None and self._write_generation.get(device_id, 0) != generation:
            _LOGGER.debug("Electra unit %s: a read older than a confirmed write", device_id)
            return confirmed
        self._states[device_id] = telemetry
        return telemetry

    def get_state(self, device_id: int) -> ElectraTelemetry | None:
        """Return the last telemetry read for a unit, however old (None if never read)."""
        return self._states.get(device_id)

    async def get_current_state(self, device_id: int, max_age: float) -> ElectraTelemetry:
        """Return the cached telemetry if younger than `max_age` seconds, else read afresh."""
        cached = self._states.get(device_id)
        if cached is not None and self._clock() - cached.fetched_at <= max_age:
            return cached
        return await self.get_telemetry(device_id)

    # ------------------------------------------------------------------ writes

    async def set_state(self, device_id: int, changes: Mapping[str, OperValue]) -> ElectraTelemetry:
        """Change some OPER keys and return the telemetry that confirms them.

        Calls for the same unit within `merge_window` seconds share one SEND_COMMAND (later
        values win) and one outcome. Raises ElectraCommandNotAppliedError when the unit still
        reports other values after `confirm_attempts` sends (each followed by a read-back).
        Only keys the unit itself reports are verified (see `build_oper`); AC_MODE=STBY on a
        unit with TURN_ON_OFF is sent, and verified, as TURN_ON_OFF=OFF.
        """
        self._ensure_open()
        batch = self._batches.get(device_id)
        if batch is None:
            batch = _WriteBatch(future=asyncio.get_running_loop().create_future())
            # Nobody may be left to read the outcome if every caller was cancelled.
            batch.future.add_done_callback(_consume_exception)
            self._batches[device_id] = batch
            task = asyncio.create_task(self._run_batch(device_id, batch))
            self._tasks.add(task)
            task.add_done_callback(functools.partial(self._batch_done, device_id, batch))
        else:
            self.stats.merged_set_state_calls += 1
        batch.changes.update(changes)
        batch.callers += 1
        # Shielded: one caller giving up must not cancel the write the others wait for.
        return await asyncio.shield(batch.future)

    async def _run_batch(self, device_id: int, batch: _WriteBatch) -> None:
        try:
            await self._sleep(self._merge_window)
            lock = self._write_locks.setdefault(device_id, asyncio.Lock())
            async with lock:
                # From here on, new calls start the next batch (it waits for this lock).
                self._close_batch(device_id, batch)
                result = await self._write(device_id, dict(batch.changes))
        except Exception as err:  # every caller must see the same failure
            self._close_batch(device_id, batch)
            if not batch.future.done():
                batch.future.set_exception(err)
        else:
            if not batch.future.done():
                batch.future.set_result(result)

    def _batch_done(self, device_id: int, batch: _WriteBatch, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        # A batch task cancelled (on shutdown), even before it started, leaves its future
        # unresolved: nobody may be left waiting on it, nor may new calls join it.
        self._close_batch(device_id, batch)
        if not batch.future.done():
            if self._closed:
                batch.future.set_exception(ElectraClientClosedError())
            else:
                batch.future.cancel()

    def _close_batch(self, device_id: int, batch: _WriteBatch) -> None:
        if self._batches.get(device_id) is batch:
            del self._batches[device_id]

    async def _write(self, device_id: int, changes: dict[str, OperValue]) -> ElectraTelemetry:
        """Read-modify-write the full OPER, then read back until the changes stick."""
        cached = self._states.get(device_id)
        if (
            cached is not None
            and cached.oper is not None
            and self._clock() - cached.fetched_at < FRESH_STATE_MAX_AGE
        ):
            base = cached
        else:
            base = await self.get_telemetry(device_id)
        if base.oper is None:
            raise ElectraDeviceOfflineError(f"Electra unit {device_id} reports no state")
        oper = base.oper
        mismatched: dict[str, Any] = {}
        send_timeout: ApiTimeoutError | None = None
        for attempt in range(self._confirm_attempts):
            sent, expected = build_oper(oper, changes)
            if attempt:
                self.stats.command_resends += 1
            try:
                await self._send_oper(device_id, sent)
            except ApiTimeoutError as err:
                # A SEND_COMMAND whose answer timed out often took effect anyway (notes §2.6):
                # the read-back tells, and a resend of the same state is harmless.
                send_timeout = err
                _LOGGER.debug("Electra unit %s: SEND_COMMAND timed out; reading back", device_id)
            else:
                send_timeout = None
            if self._confirm_delay > 0:
                # The unit reports the change on its next telemetry push, a few seconds later.
                await self._sleep(self._confirm_delay)
            readback = await self.get_telemetry(device_id)
            mismatched = _mismatches(expected, readback.oper)
            if not mismatched:
                # Reads that began before this point may carry the old state (get_telemetry).
                self._write_generation[device_id] = self._write_generation.get(device_id, 0) + 1
                self._states[device_id] = readback
                return readback
            _LOGGER.debug(
                "Electra unit %s has not applied %s yet (attempt %s of %s)",
                device_id,
                sorted(mismatched),
                attempt + 1,
                self._confirm_attempts,
            )
            # Rebuild from what the unit now reports so that changes made elsewhere survive.
            if readback.oper is not None:
                oper = readback.oper
        if send_timeout is not None:
            # The last send may still land; the caller learns it was a transient failure.
            raise send_timeout
        raise ElectraCommandNotAppliedError(device_id, mismatched)

    async def _send_oper(self, device_id: int, oper: Mapping[str, Any]) -> None:
        command = json.dumps({GROUP_OPER: oper}, separators=(",", ":"), ensure_ascii=False)
        self.stats.commands_sent += 1
        await self._call(CMD_SEND_COMMAND, {"id": device_id, "commandJson": command})

    # ------------------------------------------------------------------ timers

    async def get_timers(self, device_id: int) -> ElectraTimers:
        """Return the unit's cloud-side timers and its "timers on" flag."""
        return ElectraTimers.from_api(await self._call(CMD_GET_EVENTS, {"deviceId": device_id}))

    async def set_timer(self, device_id: int, timer: ElectraTimer) -> None:
        """Create (event_id None) or update a timer; a new id is learnt from get_timers."""
        await self._call(CMD_SET_EVENT, {"deviceId": device_id, "event": timer.to_api()})

    async def delete_timer(self, device_id: int, event_id: str) -> None:
        """Delete one timer."""
        await self._call(CMD_DELETE_EVENT, {"deviceId": device_id, "eventId": event_id})

    async def set_timers_enabled(self, device_id: int, enabled: bool) -> None:
        """Switch all timers of the unit on or off (the cloud's key here is `enable`)."""
        await self._call(CMD_SET_DEVICE_EVENTS_FLAG, {"deviceId": device_id, "enable": enabled})

    # ------------------------------------------------------------------ transport

    async def _call(self, cmd: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send a command that needs a session; renew and retry once if the SID is refused."""
        self._ensure_open()
        if self._token is None and not self._sessions.has_sid:
            raise ElectraAuthError("no Electra token; log in first")
        sid = await self._sessions.get_sid()
        envelope = await self._post(cmd, data, sid)
        if _session_refused(envelope):
            retry_sid = await self._sessions.renew_after_failure(sid)
            if retry_sid is None:
                raise _failure(cmd, envelope)
            self.stats.session_retries += 1
            envelope = await self._post(cmd, data, retry_sid)
        return self._require_success(cmd, envelope)

    def _require_success(self, cmd: str, envelope: dict[str, Any]) -> dict[str, Any]:
        data = envelope["data"]
        if envelope["status"] == 0 and isinstance(data, dict) and data.get("res") == 0:
            return data
        raise _failure(cmd, envelope)

    async def _post(self, cmd: str, data: dict[str, Any], sid: str | None) -> dict[str, Any]:
        """One POST; returns the envelope once its shape is known to be sound."""
        self._ensure_open()
        request_id = next(self._request_ids)
        body = {"pvdid": PROVIDER_ID, "id": request_id, "cmd": cmd, "sid": sid, "data": data}
        self.stats.requests[cmd] += 1
        _LOGGER.debug("Electra %s (request %s)", cmd, request_id)
        try:
            async with asyncio.timeout(self._request_timeout):
                async with self._http.post(
                    self._url, json=body, headers={"User-Agent": USER_AGENT}
                ) as response:
                    if not 200 <= response.status < 300:
                        raise ElectraHttpError(response.status)
                    raw = await response.read()
        except TimeoutError as err:
            raise ApiTimeoutError(f"Electra {cmd} timed out") from err
        except aiohttp.ClientError as err:
            raise ApiConnectionError(f"Electra {cmd} failed: {type(err).__name__}") from err
        envelope = _parse_envelope(cmd, raw)
        _LOGGER.debug(
            "Electra %s answered status %s, res %s",
            cmd,
            envelope["status"],
            envelope["data"].get("res") if isinstance(envelope["data"], dict) else None,
        )
        return envelope


def _parse_envelope(cmd: str, raw: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(raw)
    except ValueError as err:
        raise ApiProtocolError(f"Electra {cmd} answer is not JSON") from err
    if not isinstance(envelope, dict):
        raise ApiProtocolError(f"Electra {cmd} answer is not an object")
    status = envelope.get("status")
    if not isinstance(status, int) or isinstance(status, bool):
        raise ApiProtocolError(f"Electra {cmd} answer lacks a status")
    data = envelope.get("data")
    if data is not None and not isinstance(data, dict):
        raise ApiProtocolError(f"Electra {cmd} answer has a malformed data field")
    if status == 0 and isinstance(data, dict):
        res = data.get("res")
        if not isinstance(res, int) or isinstance(res, bool):
            raise ApiProtocolError(f"Electra {cmd} answer lacks data.res")
    envelope["data"] = data
    return envelope


def _failure(cmd: str, envelope: Mapping[str, Any]) -> ElectraResponseError:
    fields = _result_fields(envelope)
    if envelope["data"] is None and envelope["status"] != 1:
        # No result and no refused session: the cloud's own failure (e.g. status 99).
        return ElectraServiceError(f"{cmd} failed: status {fields['status']}, no data", **fields)
    detail = f"status {fields['status']}"
    if fields["res"] is not None:
        detail += f", res {fields['res']}"
    if fields["res_desc"]:
        detail += f" ({fields['res_desc']})"
    return ElectraResponseError(f"{cmd} failed: {detail}", **fields)


def _session_refused(envelope: Mapping[str, Any]) -> bool:
    """Tell whether the cloud refused the SID: only `status 1` says so (notes §3).

    Other failures without data (the unexplained `status 99, data: null`) are not fixed by a
    new SID, and renewing on each would cost a VALIDATE_TOKEN per poll during an outage.
    """
    return bool(envelope["status"] == 1)


def _result_fields(envelope: Mapping[str, Any]) -> dict[str, Any]:
    data = envelope.get("data")
    res = data.get("res") if isinstance(data, dict) else None
    desc = data.get("res_desc") if isinstance(data, dict) else None
    return {
        "status": envelope.get("status"),
        "res": res if isinstance(res, int) else None,
        "res_desc": str(desc) if desc is not None else None,
    }


def _consume_exception(future: asyncio.Future[ElectraTelemetry]) -> None:
    if not future.cancelled():
        future.exception()
