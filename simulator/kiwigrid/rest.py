"""Generation 2 HEMS v11 REST host and the local Energy Manager host (notes §3, §4).

HEMS needs ``Authorization: Bearer <JWT>``; an unknown or expired token gets 401 (the client
then refreshes). Only ``/v11`` exists: another version answers 404, as a retired one would.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from .site import (
    BATTERY_GUIDS,
    BATTERY_MAX_W,
    EV_GUID,
    INVERTER_GUID,
    LOCATION_GUID,
    TIMEZONE,
)
from .state import KiwigridState

API = "/v11"


def _minus(a: Any, b: Any) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def energy_flow(state: KiwigridState) -> dict[str, Any]:
    """``/energy-flow`` from the site's tags (a nulled tag is null here too)."""
    site = state.site

    def tag(guid: str, name: str) -> Any:
        return site.tag(guid, name)

    pv, grid_in, grid_out = (
        tag(LOCATION_GUID, t) for t in ("PowerProduced", "PowerIn", "PowerOut")
    )
    b_in, b_out = tag(LOCATION_GUID, "PowerBuffered"), tag(LOCATION_GUID, "PowerReleased")
    socs = [tag(g, "StateOfCharge") for g in BATTERY_GUIDS]
    known = [s for s in socs if s is not None]
    ev_in = tag(EV_GUID, "PowerACIn")
    return {
        "consumption": {
            "in": tag(LOCATION_GUID, "PowerConsumed"),
            "direct_consumption": _minus(_minus(pv, grid_out), b_in),
            "devices": [],
        },
        "grid": {
            "in": grid_in,
            "out": grid_out,
            "balance": _minus(grid_in, grid_out),
            "devices": [],
        },
        "pv": {
            "out": pv,
            "devices": [{"id": INVERTER_GUID, "out": tag(INVERTER_GUID, "PowerACOut")}],
        },
        "battery": {
            "in": b_in,
            "out": b_out,
            "in_from_grid": 0.0,
            "out_to_grid": 0.0,
            "soc": round(sum(known) / len(known) / 100, 3) if known else None,
            "balance": _minus(b_in, b_out),
            "devices": [
                {"id": g, "in": tag(g, "PowerACIn"), "out": tag(g, "PowerACOut")}
                for g in BATTERY_GUIDS
            ],
        },
        "ev": {
            "in": ev_in,
            "out": 0.0,
            "balance": ev_in,
            "bidirectional": False,
            "devices": [{"id": EV_GUID, "in": ev_in}],
        },
    }


def batteries(state: KiwigridState) -> list[dict[str, Any]]:
    """``/battery``: fractions (0-1) where the local tags are percent."""
    items = []
    for guid in BATTERY_GUIDS:
        tags = state.site.devices[guid].tags
        soc = state.site.tag(guid, "StateOfCharge")
        items.append(
            {
                "id": guid,
                "name": tags["IdName"],
                "state_of_charge": None if soc is None else round(soc / 100, 3),
                "state_of_charge_minimum": 0.1,
                "backup_state_of_charge": 0.2,
                "work_capacity": tags["WorkCapacity"],
                "power_ac_in_max": BATTERY_MAX_W,
                "power_ac_out_max": BATTERY_MAX_W,
                "mode": tags["ModeConverter"],
                "backup_active": False,
                "backup_available": True,
                "time_of_use_available": False,
                "state_device": tags["StateDevice"],
                "configured_in_location": True,
                "manufacturer": tags["IdManufacturer"],
                "firmware": tags["IdFirmware"],
                "serial_number": tags["IdSerialNumber"],
            }
        )
    return items


def _local_time(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=TIMEZONE).timestamp()


def analytics(state: KiwigridState, query: dict[str, str]) -> dict[str, Any]:
    """``/analytics/overview``: site Work* totals over [from, to] plus one device series."""
    start, end = _local_time(query["from"]), _local_time(query["to"])
    if end < start or end - start > 7 * 86400:
        raise ValueError("the period must be 0-7 days")
    totals = state.site.work_between(start, end)
    series = [
        {
            "name": tag,
            "guid": LOCATION_GUID,
            "id": f"{LOCATION_GUID}~{tag}",
            "unit": "WATTHOUR",
            "aggregated": round(total, 3),
            "values": {query["from"]: round(total, 3)},
        }
        for tag, total in totals.items()
    ]
    # A device-level series: clients must keep only the site's (guid not in devices).
    series.append(
        {
            "name": "WorkACIn",
            "guid": BATTERY_GUIDS[0],
            "id": f"{BATTERY_GUIDS[0]}~WorkACIn",
            "unit": "WATTHOUR",
            "aggregated": 1.0,
            "values": {},
        }
    )
    return {
        "timeseries": series,
        "devices": [{"guid": BATTERY_GUIDS[0], "name": "MyReserve 1"}],
        "resolution": query.get("resolution", "PT5M"),
        "time_zone": str(TIMEZONE),
    }


def setup_hems(app: web.Application, state: KiwigridState) -> None:
    """The HEMS API host."""

    def authorised(request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
        return state.auth.token_state(token) == "ok"

    async def handle(request: web.Request) -> web.Response:
        state.stats.count(state.stats.requests, request.path)
        if not authorised(request):
            return web.json_response({"error": "invalid_token"}, status=401)
        what = request.match_info["what"]
        if what == "energy-flow":
            return web.json_response(energy_flow(state))
        if what == "battery":
            return web.json_response(batteries(state))
        if what == "analytics/overview":
            try:
                return web.json_response(analytics(state, dict(request.query)))
            except (KeyError, ValueError) as err:
                return web.json_response({"error": f"bad period: {err}"}, status=400)
        raise web.HTTPNotFound

    app.router.add_get(API + "/{what:energy-flow|battery|analytics/overview}", handle)


def setup_local(app: web.Application, state: KiwigridState) -> None:
    """The local Energy Manager host (no login, the whole device tree)."""

    async def devices(request: web.Request) -> web.Response:
        state.stats.count(state.stats.requests, request.path)
        return web.json_response({"result": {"items": state.site.items()}})

    app.router.add_get("/rest/kiwigrid/wizard/devices", devices)
