"""Test and demo controls of the Kiwigrid fake, under ``/_sim/kiwigrid/``.

=========================================  ===================================================
``GET  stats``                             requests per path, bus actions, sockets, pings,
                                           tokens issued, refused logins, open sockets
``POST push``                              push current values to every device-set listener
``POST expire_tokens``                     every access token expires (bus 419, REST 401)
``POST expire_sessions``                   portal sessions end too (refresh fails: re-login)
``POST grow`` ``{"extra_meters": 60}``     add idle sub-meters (paging past 50 devices)
``POST null_tag`` ``{"guid", "tag",        report a tag as null (``"null": false`` undoes)
``"null": true}``
``POST reset_counter`` ``{"guid", "tag"}`` a Work* counter restarts at 0
``POST settings`` ``{"ping_timeout",       bus behaviour; ``jwt_lifetime`` and
``"listeners_supported", "page_limit",     ``legacy_token_lifetime`` in simulated seconds;
"broken_replies",                          ``broken_replies``: the next N bus replies lack code;
"jwt_lifetime", "legacy_token_lifetime",   ``keycloak_realm``: the realm the login lives in
"keycloak_realm"}``                        (``solarwatt``; another one, as a white label may)
``GET  tag?guid=&tag=``                    one tag's current value
=========================================  ===================================================
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .cloud import KiwigridCloud


_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as err:
        raise web.HTTPBadRequest(text="expected a JSON object") from err
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


def _apply_settings(cloud: KiwigridCloud, body: dict[str, Any]) -> None:
    """Check every setting, then apply them (a refused request changes nothing)."""
    bus, auth = cloud.state.bus, cloud.state.auth.settings
    numbers = {"ping_timeout": bus, "jwt_lifetime": auth, "legacy_token_lifetime": auth}
    counts = {"page_limit": 1, "broken_replies": 0}  # setting -> smallest allowed value
    names = {"keycloak_realm": auth}  # a path segment: letters, digits, - and _
    for key, value in body.items():
        number_ok = key in numbers and isinstance(value, int | float) and value > 0
        count_ok = key in counts and isinstance(value, int) and value >= counts[key]
        flag_ok = key == "listeners_supported" and isinstance(value, bool)
        name_ok = key in names and isinstance(value, str) and bool(_NAME.fullmatch(value))
        valid = number_ok or count_ok or flag_ok or name_ok
        if (isinstance(value, bool) and not flag_ok) or not valid:
            raise web.HTTPBadRequest(text=f"bad setting {key}={value!r}")
    for key, value in body.items():
        target = numbers.get(key) or names.get(key) or bus
        setattr(target, key, float(value) if key in numbers else value)


def setup(app: web.Application, cloud: KiwigridCloud) -> None:
    """Add the control routes."""

    async def stats(request: web.Request) -> web.Response:
        state = cloud.state
        return web.json_response(
            {
                "requests": state.stats.requests,
                "bus_messages": state.stats.bus_messages,
                "websockets_opened": state.stats.websockets_opened,
                "open_websockets": len(cloud.bus.connections),
                "pings": state.stats.pings,
                "tokens_issued": state.auth.tokens_issued,
                "logins_refused": state.auth.logins_refused,
            }
        )

    async def push(request: web.Request) -> web.Response:
        return web.json_response({"pushed": await cloud.push_updates()})

    async def expire_tokens(request: web.Request) -> web.Response:
        return web.json_response({"expired": cloud.expire_tokens()})

    async def expire_sessions(request: web.Request) -> web.Response:
        cloud.state.auth.expire_portal_sessions()
        return web.json_response({"expired": cloud.expire_tokens()})

    async def grow(request: web.Request) -> web.Response:
        extra = (await _json(request)).get("extra_meters")
        if not isinstance(extra, int) or isinstance(extra, bool) or not 0 <= extra <= 1000:
            raise web.HTTPBadRequest(text="extra_meters must be a whole number 0-1000")
        return web.json_response({"devices": cloud.state.site.grow(extra)})

    async def null_tag(request: web.Request) -> web.Response:
        body = await _json(request)
        try:
            cloud.state.site.set_null(
                str(body["guid"]), str(body["tag"]), null=bool(body.get("null", True))
            )
        except KeyError as err:
            raise web.HTTPBadRequest(text=f"unknown device or missing key: {err}") from err
        return web.json_response({"ok": True})

    async def reset_counter(request: web.Request) -> web.Response:
        body = await _json(request)
        try:
            cloud.state.site.reset_counter(str(body["guid"]), str(body["tag"]))
        except KeyError as err:
            raise web.HTTPBadRequest(text=f"unknown device or counter: {err}") from err
        return web.json_response({"ok": True})

    async def settings(request: web.Request) -> web.Response:
        _apply_settings(cloud, await _json(request))
        return web.json_response({"ok": True})

    async def tag(request: web.Request) -> web.Response:
        try:
            value = cloud.state.site.tag(request.query["guid"], request.query["tag"])
        except KeyError as err:
            raise web.HTTPBadRequest(text=f"unknown device: {err}") from err
        return web.json_response({"value": value})

    app.router.add_get("/stats", stats)
    app.router.add_post("/push", push)
    app.router.add_post("/expire_tokens", expire_tokens)
    app.router.add_post("/expire_sessions", expire_sessions)
    app.router.add_post("/grow", grow)
    app.router.add_post("/null_tag", null_tag)
    app.router.add_post("/reset_counter", reset_counter)
    app.router.add_post("/settings", settings)
    app.router.add_get("/tag", tag)
