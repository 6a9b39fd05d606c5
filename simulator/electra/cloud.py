"""The Electra Smart cloud fake: the HTTP endpoint and the Python API tests drive it with."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from typing import Any, ClassVar

from aiohttp import web

from ..clock import SimClock
from . import control, scenario
from .dispatch import dispatch
from .sessions import Auth
from .state import CloudState
from .units import AcUnit

ENDPOINT = "/mobile/mobilecommand"


class ElectraCloud:
    """``POST /mobile/mobilecommand`` as the real ``app.ecpiot.co.il`` answers it.

    A body that is not a JSON object gets HTTP 400 (plain text), like a web framework's
    model binding would refuse it; everything else gets the JSON envelope. The User-Agent is
    recorded but never enforced (the notes suggest the OTP calls work without it).

    All time comes from the :class:`SimClock`, so ``clock.advance`` expires sids, lifts the
    VALIDATE_TOKEN throttle, moves room temperatures and fires timers.

    Choices where the notes leave the real behaviour open:

    * Phones are account keys as typed. ``972…``/``+972…`` numbers are accepted by SEND_OTP and
      CHECK_OTP as separate, empty accounts whose GET_DEVICES answers ``devices: null``; any
      other unregistered phone gets ``res 100``.
    * Result codes: unregistered phone and wrong OTP ``res 100`` (wrong OTP with ``status 1``),
      Intruder lockout ``res 1``, Token not found ``res 2``, bad or missing arguments, unknown
      device/event ``res 99``; unknown ``cmd`` ``status 99, data null``; bad/expired sid
      ``status 1, data null``.
    * Lockout counts only VALIDATE_TOKEN calls that found the token; CHECK_OTP's sid doesn't
      count. The rule (``lockout_count`` calls within ``lockout_window``) is configurable and
      defaults to the strictest the evidence allows (see :mod:`.sessions`). A locked token
      stays locked; sids issued earlier live on until they expire.
    * SEND_COMMAND needs ``commandJson`` as a string. The unit (not the cloud) reports its own
      OPER: it ignores keys it lacks and drops a command with a value of another type than it
      reports, or an SPT that is not a whole 16-30 value; it also drops commands while offline,
      silent, or told to ignore them. It may apply them ``command_delay`` seconds late.
    * ``timeDelta`` is the age of the unit's last report: units report every
      :data:`~.units.REPORT_INTERVAL` seconds and on each change (notes §2.7).
    * GET_LAST_TELEMETRY for another account's or an unknown unit: ``res 99``.
    * Timer ``HH:MM`` is Israel local time (``state.tz``); ``actionsJson`` is accepted as an
      object or a JSON string and answered as an object; SET_EVENT updates merge fields.
    """

    key: ClassVar[str] = "electra"
    hosts: ClassVar[tuple[str, ...]] = ("api",)

    def __init__(self, clock: SimClock, *, rng: random.Random | None = None) -> None:
        """Build the default scenario (see :mod:`simulator.electra.scenario`)."""
        self._clock = clock
        self._rng = rng or random.Random()
        self._state = self._fresh_state()

    def _fresh_state(self) -> CloudState:
        state = CloudState(self._clock, self._rng, Auth(self._clock, self._rng))
        scenario.populate(state)
        return state

    # -- server protocol -----------------------------------------------------------------------

    def setup_routes(self, host: str, app: web.Application) -> None:
        """Serve the single real endpoint (the cloud has one host)."""
        app.router.add_post(ENDPOINT, self._handle)

    def set_host_urls(self, urls: dict[str, str]) -> None:
        """Nothing to do: the Electra cloud never refers to its own URL."""

    def setup_control_routes(self, app: web.Application) -> None:
        """Serve the test/demo controls (see :mod:`simulator.electra.control`)."""
        control.setup(app, self)

    def reset(self) -> None:
        """Back to the default scenario: logins, sessions, logs and settings are all dropped."""
        self._state = self._fresh_state()

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            body = json.loads((await request.read()).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise web.HTTPBadRequest(text="request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="request body must be a JSON object")
        state = self._state
        cmd = body.get("cmd")
        user_agent = request.headers.get("User-Agent")
        state.requests.append((cmd if isinstance(cmd, str) else "", body.get("data"), user_agent))
        state.catch_up()
        reply = dispatch(state, cmd, body.get("sid"), body.get("data"))
        if state.withhold_reply:
            state.withhold_reply = False
            await _until_client_leaves(request)
        held = state.held_replies.get(cmd) if isinstance(cmd, str) else None
        if held:
            arrived, release = held.pop(0)
            arrived.set()
            await release.wait()
        return web.Response(
            # Hebrew names travel as UTF-8 bytes, not \\u escapes, as the real cloud sends them.
            text=json.dumps(reply.envelope(body.get("id")), ensure_ascii=False),
            content_type="application/json",
            charset="utf-8",
        )

    # -- Python API for tests and benchmarks -----------------------------------------------------

    @property
    def state(self) -> CloudState:
        """Everything the fake holds, for checks the methods below don't cover."""
        return self._state

    def otp_for(self, phone: str) -> str | None:
        """Return the code SEND_OTP 'texted' to this exact phone string, until CHECK_OTP uses it."""
        return self._state.auth.otp_for(phone)

    @property
    def commands(self) -> list[tuple[int, dict[str, Any]]]:
        """Every well-formed SEND_COMMAND as ``(device_id, decoded OPER)``, applied or not."""
        return self._state.commands

    @property
    def requests(self) -> list[tuple[str, Any, str | None]]:
        """Every request as ``(cmd, data, User-Agent)``; ``cmd`` is "" when not a string."""
        return self._state.requests

    @property
    def validate_calls(self) -> int:
        """How many VALIDATE_TOKEN requests arrived (refused ones included)."""
        return self._state.auth.validate_calls

    @property
    def lockouts(self) -> int:
        """How many VALIDATE_TOKEN requests were answered "Intruder lockout"."""
        return self._state.auth.lockouts

    @property
    def sid_lifetime(self) -> float:
        """Seconds a sid lives from issue (default 900, notes §3)."""
        return self._state.auth.sid_lifetime

    @sid_lifetime.setter
    def sid_lifetime(self, seconds: float) -> None:
        self._state.auth.sid_lifetime = seconds

    @property
    def lockout_window(self) -> float:
        """Seconds over which ``lockout_count`` VALIDATE_TOKENs lock a token (default 600)."""
        return self._state.auth.lockout_window

    @lockout_window.setter
    def lockout_window(self, seconds: float) -> None:
        self._state.auth.lockout_window = seconds

    @property
    def lockout_count(self) -> int:
        """The VALIDATE_TOKEN within ``lockout_window`` that locks the token (default the 2nd)."""
        return self._state.auth.lockout_count

    @lockout_count.setter
    def lockout_count(self, count: int) -> None:
        self._state.auth.lockout_count = count

    def expire_sessions(self) -> int:
        """Kill every sid now (tokens stay valid); returns how many there were."""
        return self._state.auth.expire_sessions()

    @property
    def command_delay(self) -> float:
        """Seconds a unit takes to apply a SEND_COMMAND (default 0: at once)."""
        return self._state.command_delay

    @command_delay.setter
    def command_delay(self, seconds: float) -> None:
        self._state.command_delay = seconds

    def set_silent(self, device_id: int, silent: bool) -> None:
        """Make a unit stop (or resume) reporting: its last telemetry is served, ageing."""
        self._state.catch_up()
        self._state.units[device_id].set_silent(silent, self._state.now())

    def timeout_commands(self, device_id: int, count: int) -> None:
        """Apply the unit's next ``count`` SEND_COMMANDs but never answer them."""
        self._state.units[device_id].timeout_next = count

    def hold_next_reply(self, cmd: str) -> tuple[asyncio.Event, asyncio.Event]:
        """Hold the answer to the next ``cmd``: computed on arrival, sent once released.

        Returns ``(arrived, release)``: ``arrived`` is set when the request has been answered
        inside the cloud, and the answer leaves when the test sets ``release``. This is how a
        slow network makes an old answer arrive after newer ones.
        """
        gate = (asyncio.Event(), asyncio.Event())
        self._state.held_replies.setdefault(cmd, []).append(gate)
        return gate

    def revoke_tokens(self, phone: str) -> int:
        """Forget every token and sid of the account (the app registered again); how many tokens."""
        return self._state.auth.revoke(phone)

    def unit(self, device_id: int) -> AcUnit:
        """Return the unit itself (room temperature settled to now); KeyError if unknown."""
        unit = self._state.units[device_id]
        self._state.catch_up()
        unit.settle(self._state.now())
        return unit

    def device_ids(self, phone: str = scenario.PRIMARY_PHONE) -> list[int]:
        """Return the ids of an account's units, in GET_DEVICES order."""
        return [unit.device_id for unit in self._state.units_of(phone)]

    def unit_oper(self, device_id: int) -> dict[str, Any] | None:
        """Return a copy of the unit's OPER; None for a unit that never came online."""
        oper = self.unit(device_id).oper
        return dict(oper) if oper is not None else None

    def room_temperature(self, device_id: int) -> float:
        """Return the unit's room temperature now, unrounded (°C)."""
        return self.unit(device_id).room

    def ignore_commands(self, device_id: int, count: int) -> None:
        """Make the unit's next ``count`` SEND_COMMANDs answer success but change nothing."""
        self._state.units[device_id].ignore_next = count

    def set_online(self, device_id: int, online: bool) -> None:
        """Disconnect (every telemetry group null, commands lost) or reconnect a unit.

        Bringing the never-online unit online gives it its family's initial OPER.
        """
        self._state.catch_up()
        self._state.units[device_id].set_online(online, self._state.now())

    def add_unit(
        self,
        family: str = "central",
        *,
        phone: str = scenario.PRIMARY_PHONE,
        name: str | None = None,
        online: bool = True,
        device_id: int | None = None,
        **overrides: object,
    ) -> int:
        """Register a unit of family ``central``/``midea``/``inverter``; returns its id.

        The account is created when the phone is new. ``overrides`` sets other
        :class:`AcUnit` attributes (``room``, ``ambient``, ``rssi``, ...).
        """
        return scenario.add_unit(
            self._state,
            family,
            phone=phone,
            name=name,
            online=online,
            device_id=device_id,
            **overrides,
        ).device_id

    def remove_unit(self, device_id: int) -> None:
        """Unregister a unit: it vanishes from GET_DEVICES and its id stops working."""
        del self._state.units[device_id]

    def set_unit_count(self, count: int, phone: str = scenario.PRIMARY_PHONE) -> list[int]:
        """Replace the account's units with ``count`` online generic ones; returns their ids."""
        return scenario.generic_units(self._state, count, phone)

    def events(self, device_id: int) -> list[dict[str, Any]]:
        """Return the unit's timers as GET_EVENTS lists them (always as a list here)."""
        self._state.catch_up()
        return [event.as_json() for event in self._state.units[device_id].events.values()]

    def fail_next(
        self, cmd: str, count: int = 1, status: int = 99, desc: str | None = None
    ) -> None:
        """Make the next ``count`` requests of ``cmd`` answer ``status`` with ``data: null``.

        The default mimics the unexplained ``status 99`` on GET_DEVICES (notes §2.4).
        """
        self._state.forced_failures.setdefault(cmd, []).extend([(status, desc)] * count)

    def stats(self) -> dict[str, Any]:
        """Return counters for tests and benchmarks, as ``GET /_sim/electra/stats`` reports them."""
        state = self._state
        return {
            "validate_calls": state.auth.validate_calls,
            "lockouts": state.auth.lockouts,
            "requests": dict(state.request_counts()),
            "user_agents": sorted({ua or "" for _, _, ua in state.requests}),
            "commands": len(state.commands),
            "timers_fired": state.timers_fired,
        }


async def _until_client_leaves(request: web.Request, limit: float = 60.0) -> None:
    """Wait, without answering, until the client closes the connection (or ``limit`` passes)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(limit):
            # aiohttp offers no event for a peer that went away, so look now and then.
            while request.transport is not None and not request.transport.is_closing():  # noqa: ASYNC110
                await asyncio.sleep(0.02)
