"""Control routes under ``/_sim/electra/`` (JSON), for tests, benchmarks and the demo.

* ``GET otp?phone=0501234567`` -> ``{"code": "1234"}``; 404 when no code is pending.
* ``POST expire_sessions`` -> ``{"expired": n}``.
* ``POST revoke_tokens`` ``{"phone": "0501234567"}`` -> ``{"revoked": n}``: the account's
  tokens and sids are forgotten (the next VALIDATE_TOKEN answers "Token not found").
* ``GET commands`` -> ``{"commands": [{"device_id": .., "oper": {..}}, ...]}``.
* ``GET stats`` -> validate_calls, lockouts, requests per cmd, user agents seen, ...
* ``GET units`` -> every unit with owner, online flag, OPER and room temperature.
* ``POST units/{id}/online`` ``{"online": bool}``;
  ``POST units/{id}/ignore_commands`` ``{"count": n}``.
* ``POST unit_count`` ``{"count": n}`` -> the primary account gets n generic units.
* ``POST fail_next`` ``{"cmd": "GET_DEVICES", "count": 1, "status": 99}``.
* ``GET|POST settings`` ``{"sid_lifetime": s, "lockout_window": s, "lockout_count": n,
  "command_delay": s}`` (any subset): the ``lockout_count``-th VALIDATE_TOKEN of a token within
  ``lockout_window`` locks it; a unit applies a SEND_COMMAND ``command_delay`` s after it.
* ``POST units/{id}/silent`` ``{"silent": bool}``: the unit stops (or resumes) reporting; the
  cloud keeps serving its last telemetry with a growing ``timeDelta``.
* ``POST units/{id}/timeout_commands`` ``{"count": n}``: the next n SEND_COMMANDs to the unit
  are applied but never answered (the HTTP request times out on the client).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .cloud import ElectraCloud


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as err:
        raise web.HTTPBadRequest(text="body is not valid JSON") from err
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


def _count(body: dict[str, Any], key: str = "count") -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise web.HTTPBadRequest(text=f"expected {{{key!r}: <int >= 0>}}")
    return value


def _device_id(request: web.Request, cloud: ElectraCloud) -> int:
    raw = request.match_info["device_id"]
    if not raw.isdigit() or int(raw) not in cloud.state.units:
        raise web.HTTPNotFound(text=f"no unit {raw}")
    return int(raw)


def setup(app: web.Application, cloud: ElectraCloud) -> None:
    """Add every control route of the Electra fake to ``app``."""
    routes = _Routes(cloud)
    app.router.add_get("/otp", routes.otp)
    app.router.add_post("/expire_sessions", routes.expire_sessions)
    app.router.add_post("/revoke_tokens", routes.revoke_tokens)
    app.router.add_get("/commands", routes.commands)
    app.router.add_get("/stats", routes.stats)
    app.router.add_get("/units", routes.units)
    app.router.add_post("/units/{device_id}/online", routes.online)
    app.router.add_post("/units/{device_id}/ignore_commands", routes.ignore_commands)
    app.router.add_post("/units/{device_id}/silent", routes.silent)
    app.router.add_post("/units/{device_id}/timeout_commands", routes.timeout_commands)
    app.router.add_post("/unit_count", routes.unit_count)
    app.router.add_post("/fail_next", routes.fail_next)
    app.router.add_get("/settings", routes.settings)
    app.router.add_post("/settings", routes.settings)


class _Routes:
    """The handlers, bound to one cloud."""

    def __init__(self, cloud: ElectraCloud) -> None:
        self._cloud = cloud

    async def otp(self, request: web.Request) -> web.Response:
        code = self._cloud.otp_for(request.query.get("phone", ""))
        if code is None:
            raise web.HTTPNotFound(text="no OTP pending for that phone")
        return web.json_response({"code": code})

    async def expire_sessions(self, request: web.Request) -> web.Response:
        return web.json_response({"expired": self._cloud.expire_sessions()})

    async def revoke_tokens(self, request: web.Request) -> web.Response:
        phone = (await _body(request)).get("phone")
        if not isinstance(phone, str) or not phone:
            raise web.HTTPBadRequest(text="expected {'phone': <str>}")
        return web.json_response({"revoked": self._cloud.revoke_tokens(phone)})

    async def commands(self, request: web.Request) -> web.Response:
        listed = [{"device_id": device, "oper": oper} for device, oper in self._cloud.commands]
        return web.json_response({"commands": listed})

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(self._cloud.stats())

    async def units(self, request: web.Request) -> web.Response:
        listed = []
        for device_id in list(self._cloud.state.units):
            unit = self._cloud.unit(device_id)
            listed.append(
                {
                    "id": device_id,
                    "name": unit.name,
                    "owner": unit.owner,
                    "family": unit.family.key,
                    "online": unit.online,
                    "silent": unit.silent,
                    "oper": unit.oper,
                    "room": round(unit.room, 2),
                    "enable_events": unit.enable_events,
                }
            )
        return web.json_response({"units": listed})

    async def online(self, request: web.Request) -> web.Response:
        device_id = _device_id(request, self._cloud)
        value = (await _body(request)).get("online")
        if not isinstance(value, bool):
            raise web.HTTPBadRequest(text="expected {'online': <bool>}")
        self._cloud.set_online(device_id, value)
        return web.json_response({"id": device_id, "online": value})

    async def ignore_commands(self, request: web.Request) -> web.Response:
        device_id = _device_id(request, self._cloud)
        count = _count(await _body(request))
        self._cloud.ignore_commands(device_id, count)
        return web.json_response({"id": device_id, "ignore_commands": count})

    async def silent(self, request: web.Request) -> web.Response:
        device_id = _device_id(request, self._cloud)
        value = (await _body(request)).get("silent")
        if not isinstance(value, bool):
            raise web.HTTPBadRequest(text="expected {'silent': <bool>}")
        self._cloud.set_silent(device_id, value)
        return web.json_response({"id": device_id, "silent": value})

    async def timeout_commands(self, request: web.Request) -> web.Response:
        device_id = _device_id(request, self._cloud)
        count = _count(await _body(request))
        self._cloud.timeout_commands(device_id, count)
        return web.json_response({"id": device_id, "timeout_commands": count})

    async def unit_count(self, request: web.Request) -> web.Response:
        ids = self._cloud.set_unit_count(_count(await _body(request)))
        return web.json_response({"ids": ids})

    async def fail_next(self, request: web.Request) -> web.Response:
        body = await _body(request)
        cmd = body.get("cmd")
        status = body.get("status", 99)
        if not isinstance(cmd, str) or isinstance(status, bool) or not isinstance(status, int):
            raise web.HTTPBadRequest(text="expected {'cmd': str, 'count': int, 'status': int}")
        count = _count(body) if "count" in body else 1
        self._cloud.fail_next(cmd, count, status)
        return web.json_response({"cmd": cmd, "count": count, "status": status})

    async def settings(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            body = await _body(request)
            seconds = ("sid_lifetime", "lockout_window", "command_delay")
            counts = ("lockout_count",)
            values = {key: body[key] for key in (*seconds, *counts) if key in body}
            if (
                set(body) - set(values)
                or any(
                    isinstance(v, bool) or not isinstance(v, int | float) or v < 0
                    for v in values.values()
                )
                or any(
                    not isinstance(values[key], int) or values[key] < 1
                    for key in counts
                    if key in values
                )
            ):
                raise web.HTTPBadRequest(
                    text="expected {'sid_lifetime'|'lockout_window'|'command_delay': secs, "
                    "'lockout_count': int >= 1}"
                )
            if "sid_lifetime" in values:
                self._cloud.sid_lifetime = float(values["sid_lifetime"])
            if "lockout_window" in values:
                self._cloud.lockout_window = float(values["lockout_window"])
            if "lockout_count" in values:
                self._cloud.lockout_count = int(values["lockout_count"])
            if "command_delay" in values:
                self._cloud.command_delay = float(values["command_delay"])
        return web.json_response(
            {
                "sid_lifetime": self._cloud.sid_lifetime,
                "lockout_window": self._cloud.lockout_window,
                "lockout_count": self._cloud.lockout_count,
                "command_delay": self._cloud.command_delay,
            }
        )
