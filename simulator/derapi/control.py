"""Test and demo controls of the Derapi fake, under ``/_sim/derapi/``.

* ``GET/POST /settings``: read / change :class:`~.state.Settings` (generation, page size…).
* ``GET/POST/DELETE /vendor_failures`` ``{"vendor": "solis", "failure": "unauthorized"}``: one
  vendor fails (``unauthorized``, ``timeout`` = 504, ``error`` = 502); ``null`` or DELETE heals.
* ``POST /problems`` ``{"status": 429, "count": 1, "retry_after": "7"}``: the next API
  requests answer this problem+json.
* ``POST /expire_tokens``: every Derapi access token issued so far is refused.
* ``POST /scenario`` ``{"devices": 1000, "sites": 50}`` / ``DELETE /scenario``: a large
  generated account / back to the default one.
* ``GET/POST/DELETE /interval_revisions`` ``{"device": "solr-…", "start": "…+00:00", "end":
  "…+00:00", "factor": 0}``: the device's vendor corrects that window's interval energy
  (`factor` x the true energy; 1 takes it back; DELETE: every correction taken back).
* ``POST /sites/{id}/location`` ``{"utc_offset": 5.5, "timezone": "Asia/Kolkata"}``: move a
  site to another zone (e.g. one not a whole number of hours from UTC).
* ``GET /stats``: API requests, token mints, vendor token requests and rotations.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .state import FAILURE_KINDS, InjectedProblem

if TYPE_CHECKING:
    from .cloud import DerapiCloud


def setup(app: web.Application, cloud: DerapiCloud) -> None:  # noqa: PLR0915 - one route each
    """Register the control routes."""

    async def body_of(request: web.Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body is not JSON") from None

    async def settings(request: web.Request) -> web.Response:
        if request.method == "POST":
            try:
                cloud.state.settings.update(await body_of(request))
            except ValueError as err:
                raise web.HTTPBadRequest(text=str(err)) from err
        return web.json_response(cloud.state.settings.as_dict())

    async def vendor_failures(request: web.Request) -> web.Response:
        if request.method == "POST":
            body = await body_of(request)
            if not isinstance(body, dict) or not isinstance(body.get("vendor"), str):
                raise web.HTTPBadRequest(text="expected {'vendor': str, 'failure': str|null}")
            try:
                cloud.set_vendor_failure(body["vendor"], body.get("failure"))
            except ValueError as err:
                raise web.HTTPBadRequest(text=str(err)) from err
        elif request.method == "DELETE":
            cloud.state.vendor_failures.clear()
        return web.json_response(cloud.state.vendor_failures)

    async def problems(request: web.Request) -> web.Response:
        body = await body_of(request)
        try:
            status = int(body["status"])
            count = int(body.get("count", 1))
            retry_after = body.get("retry_after")
        except (KeyError, TypeError, ValueError) as err:
            raise web.HTTPBadRequest(text=f"expected {{'status', 'count'}}: {err}") from err
        if not 400 <= status <= 599 or count < 1:
            raise web.HTTPBadRequest(text="status must be 400-599 and count >= 1")
        cloud.inject_problem(status, count, None if retry_after is None else str(retry_after))
        return web.json_response({"queued": len(cloud.state.problems)})

    async def expire_tokens(request: web.Request) -> web.Response:
        cloud.state.tokens.expire_all()
        return web.json_response({"expired": True})

    async def scenario(request: web.Request) -> web.Response:
        if request.method == "DELETE":
            cloud.use_default_account()
        else:
            body = await body_of(request)
            try:
                devices, sites = int(body["devices"]), int(body["sites"])
            except (KeyError, TypeError, ValueError) as err:
                raise web.HTTPBadRequest(text=f"expected {{'devices', 'sites'}}: {err}") from err
            if not (0 <= devices <= 100_000 and 1 <= sites <= 10_000):
                raise web.HTTPBadRequest(text="devices 0-100000, sites 1-10000")
            cloud.use_large_account(devices, sites)
        account = cloud.state.account
        return web.json_response(
            {
                "sites": len(account.sites),
                "solar_inverters": len(account.inverters),
                "batteries": len(account.batteries),
            }
        )

    async def interval_revisions(request: web.Request) -> web.Response:
        if request.method == "POST":
            body = await body_of(request)
            try:
                cloud.revise_intervals(
                    str(body["device"]),
                    datetime.fromisoformat(body["start"]),
                    datetime.fromisoformat(body["end"]),
                    float(body.get("factor", 1.0)),
                )
            except (KeyError, TypeError, ValueError) as err:
                raise web.HTTPBadRequest(
                    text=f"expected {{'device', 'start', 'end', 'factor'}}: {err}"
                ) from err
        elif request.method == "DELETE":
            cloud.state.revisions.clear()
        return web.json_response([revision.as_dict() for revision in cloud.state.revisions])

    async def site_location(request: web.Request) -> web.Response:
        body = await body_of(request)
        offset = body.get("utc_offset") if isinstance(body, dict) else None
        zone = body.get("timezone") if isinstance(body, dict) else None
        if (
            isinstance(offset, bool)
            or not isinstance(offset, int | float)
            or not isinstance(zone, str)
        ):
            raise web.HTTPBadRequest(text="expected {'utc_offset': number, 'timezone': str}")
        try:
            cloud.relocate_site(request.match_info["id"], float(offset), zone)
        except ValueError as err:
            raise web.HTTPBadRequest(text=str(err)) from err
        return web.json_response({"utc_offset": float(offset), "timezone": zone})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(cloud.stats())

    app.router.add_get("/settings", settings)
    app.router.add_post("/settings", settings)
    app.router.add_get("/vendor_failures", vendor_failures)
    app.router.add_post("/vendor_failures", vendor_failures)
    app.router.add_delete("/vendor_failures", vendor_failures)
    app.router.add_post("/problems", problems)
    app.router.add_post("/expire_tokens", expire_tokens)
    app.router.add_post("/scenario", scenario)
    app.router.add_delete("/scenario", scenario)
    app.router.add_get("/interval_revisions", interval_revisions)
    app.router.add_post("/interval_revisions", interval_revisions)
    app.router.add_delete("/interval_revisions", interval_revisions)
    app.router.add_post("/sites/{id}/location", site_location)
    app.router.add_get("/stats", stats)


__all__ = ["FAILURE_KINDS", "InjectedProblem", "setup"]
