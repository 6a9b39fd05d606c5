"""Control routes under ``/_sim/sew/`` (JSON), for tests, benchmarks and the demo.

* ``GET otp?user=secure@example.com`` -> ``{"code": "123456"}``; 404 when none is pending.
* ``POST expire_sessions`` -> ``{"expired": n}``.
* ``GET stats`` -> calls per ``host:Module.Method``, logins, usage requests.
* ``GET|POST settings`` ``{"portal_a": {"encrypted": false, "envelope": "I", "key": "...",
  "password_digest": "base64", "expiry_in_json": false, "modules": [...]}, "api_b": {...},
  "token_lifetime": s, "maintenance": bool, "publish_lag": s, "publish_jitter": s,
  "final_after": s, "outage_accounts": [...], "daily_only_meters": [...], "usage_modes":
  ["H", "D", "M"]}`` (a daily-only meter reports ``IsAMI`` false and has no hourly rows; a
  ``Mode`` left out of ``usage_modes`` is refused). ``GET`` also names the ``scenario``
  (chosen with ``python -m simulator --scenario sew=short_history``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .cloud import SewCloud

_HOST_KEYS = {"encrypted", "envelope", "key", "password_digest", "expiry_in_json", "modules"}
_NUMBERS = ("token_lifetime", "publish_lag", "publish_jitter", "final_after")
_SETS = ("outage_accounts", "daily_only_meters", "usage_modes")


def setup(app: web.Application, cloud: SewCloud) -> None:
    """Add every control route of the SEW fake to ``app``."""
    routes = _Routes(cloud)
    app.router.add_get("/otp", routes.otp)
    app.router.add_post("/expire_sessions", routes.expire_sessions)
    app.router.add_get("/stats", routes.stats)
    app.router.add_get("/settings", routes.settings)
    app.router.add_post("/settings", routes.settings)


class _Routes:
    def __init__(self, cloud: SewCloud) -> None:
        self._cloud = cloud

    async def otp(self, request: web.Request) -> web.Response:
        code = self._cloud.otp_for(request.query.get("user", ""))
        if code is None:
            raise web.HTTPNotFound(text="no code pending for that user")
        return web.json_response({"code": code})

    async def expire_sessions(self, request: web.Request) -> web.Response:
        return web.json_response({"expired": self._cloud.expire_sessions()})

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(self._cloud.stats())

    def _snapshot(self) -> dict[str, Any]:
        cloud = self._cloud
        backend = cloud.backend
        hosts = {
            host: {
                "encrypted": s.encrypted,
                "envelope": s.envelope,
                "password_digest": s.password_digest,
                "expiry_in_json": s.expiry_in_json,
                "modules": sorted(s.modules),
            }
            for host in cloud.hosts
            for s in [cloud.host_settings(host)]
        }
        pub = backend.publication
        return {
            **hosts,
            "token_lifetime": cloud.token_lifetime,
            "maintenance": backend.maintenance,
            "publish_lag": pub.publish_lag,
            "publish_jitter": pub.publish_jitter,
            "final_after": pub.final_after,
            "outage_accounts": sorted(backend.outage_accounts),
            "daily_only_meters": sorted(backend.daily_only_meters),
            "usage_modes": sorted(backend.usage_modes),
            "scenario": cloud.scenario,
        }

    async def settings(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            try:
                body = await request.json()
            except ValueError as err:
                raise web.HTTPBadRequest(text="body is not valid JSON") from err
            if not isinstance(body, dict):
                raise web.HTTPBadRequest(text="body must be a JSON object")
            try:
                self._apply(body)
            except (TypeError, ValueError) as err:
                raise web.HTTPBadRequest(text=str(err)) from err
        return web.json_response(self._snapshot())

    def _apply(self, body: dict[str, Any]) -> None:
        cloud = self._cloud
        backend = cloud.backend
        known = {*cloud.hosts, *_NUMBERS, "maintenance", *_SETS}
        if unknown := set(body) - known:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        for host in cloud.hosts:
            changes = body.get(host, {})
            if not isinstance(changes, dict) or set(changes) - _HOST_KEYS:
                raise ValueError(f"{host}: expected an object with keys {sorted(_HOST_KEYS)}")
            settings = cloud.host_settings(host)
            for name, value in changes.items():
                setattr(settings, name, set(value) if name == "modules" else value)
        for name in _NUMBERS:
            if name in body:
                value = float(body[name])
                if name == "token_lifetime":
                    cloud.token_lifetime = value
                else:
                    setattr(backend.publication, name, value)
        if "maintenance" in body:
            backend.maintenance = bool(body["maintenance"])
        for name in _SETS:
            if name in body:
                setattr(backend, name, set(body[name]))
