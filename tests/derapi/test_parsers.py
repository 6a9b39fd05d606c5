"""Property tests: every parser returns a valid model or raises DerapiProtocolError.

Two kinds of input: arbitrary JSON (anything a broken server or proxy could send), and
well-formed bodies of both API generations, which must parse to exactly what they hold.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import json
from typing import Any

from hypothesis import given, settings, strategies as st

from custom_components.home_energy_cloud.api.derapi import DerapiProtocolError
from custom_components.home_energy_cloud.api.derapi.models import (
    parse_battery,
    parse_battery_control,
    parse_battery_intervals,
    parse_problem,
    parse_resource_page,
    parse_site,
    parse_solar_intervals,
    parse_solar_inverter,
)
from custom_components.home_energy_cloud.api.derapi.oauth import parse_token_response
from custom_components.home_energy_cloud.api.derapi.transport import (
    error_for_status,
    parse_retry_after,
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=15), children, max_size=6)
    ),
    max_leaves=30,
)
KEYS = [
    "id", "vendor", "name", "siteID", "model", "serialNumber", "reportedAt", "kwh", "start",
    "end", "chargeKwh", "dischargeKwh", "intervals", "summaryLevel", "nextPageToken", "errors",
    "sites", "solarInverters", "solar-inverters", "batteries", "recentErrors", "mode",
    "lifetimeProduction", "recentProduction", "bess", "location", "title", "type", "status",
    "command", "access_token", "expires_in",
]  # fmt: skip
# Objects built from the keys parsers look at, so that deep branches are reached too.
keyed_objects = st.recursive(
    st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8),
    lambda children: st.dictionaries(
        st.sampled_from(KEYS), children | st.lists(children, max_size=4) | json_values, max_size=8
    ),
    max_leaves=40,
)
PARSERS: list[Callable[[Any], object]] = [
    parse_site,
    parse_solar_inverter,
    parse_battery,
    parse_solar_intervals,
    parse_battery_intervals,
    parse_battery_control,
    parse_problem,
    lambda body: parse_resource_page(body, "sites"),
    lambda body: parse_resource_page(body, "solar-inverters"),
    lambda body: parse_resource_page(body, "batteries"),
    lambda body: parse_token_response(body, "test"),
]


def parses_or_protocol_error(parser: Callable[[Any], object], body: Any) -> object | None:
    """The model, or None when the parser refused the body with the typed error."""
    try:
        return parser(body)
    except DerapiProtocolError:
        return None


@settings(max_examples=300)
@given(body=json_values | keyed_objects, which=st.integers(0, len(PARSERS) - 1))
def test_any_json_gives_a_model_or_a_protocol_error(body: Any, which: int) -> None:
    """Never another exception (KeyError, TypeError, ValueError...), never a hang."""
    parses_or_protocol_error(PARSERS[which], body)


@settings(max_examples=200)
@given(
    text=st.text(max_size=80) | st.builds(json.dumps, json_values),
    status=st.integers(400, 599),
    retry_after=st.none() | st.text(max_size=40),
)
def test_any_error_body_gives_a_typed_error(
    text: str, status: int, retry_after: str | None
) -> None:
    """Non-2xx bodies (problem+json, HTML, junk) always map to a DerapiError subclass."""
    error = error_for_status(status, text, what="GET /x", retry_after=retry_after)
    assert error.status in (status, 429)
    parse_retry_after(retry_after)


aware_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
ids = st.from_regex(r"[a-z]{4}-[a-z0-9]{16}", fullmatch=True)
kwh = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(items=st.lists(ids, max_size=20, unique=True), legacy=st.booleans(), more=st.booleans())
def test_well_formed_lists_of_both_generations(items: list[str], legacy: bool, more: bool) -> None:
    """Objects or URLs: the same ids, in order; the token only when pages remain."""
    if legacy:
        body: dict[str, Any] = {
            "solar-inverters": [f"https://api.derapi.com/solar-inverters/{i}" for i in items],
            "errors": {"solis": "Unauthorized: x"},
        }
    else:
        body = {"solarInverters": [{"id": i} for i in items], "errors": {"solis": "Unauthorized"}}
    if more:
        body["nextPageToken"] = "abc"
    page = parse_resource_page(body, "solar-inverters")
    assert list(page.ids) == items
    assert page.errors == {"solis": body["errors"]["solis"]}
    assert page.next_page_token == ("abc" if more else None)


@given(rows=st.lists(st.tuples(aware_datetimes, kwh, kwh), max_size=20), soc=st.booleans())
def test_well_formed_intervals(rows: list[tuple[datetime, float, float]], soc: bool) -> None:
    """Solar and battery interval pages keep every row's values."""
    solar = {
        "id": "solr-1",
        "summaryLevel": "hour",
        "intervals": [
            {"kwh": a, "start": s.isoformat(), "end": (s + timedelta(hours=1)).isoformat()}
            for s, a, _ in rows
        ],
    }
    parsed = parse_solar_intervals(solar)
    assert [i.kwh for i in parsed.intervals] == [a for _, a, _ in rows]
    battery = {
        "id": "batt-1",
        "summaryLevel": "15mins",
        "intervals": [
            {
                "chargeKwh": a,
                "dischargeKwh": b,
                "start": s.isoformat(),
                "end": s.isoformat(),
                **({"stateOfChargePercent": 50} if soc else {}),
            }
            for s, a, b in rows
        ],
    }
    parsed_battery = parse_battery_intervals(battery)
    assert [(i.charge_kwh, i.discharge_kwh) for i in parsed_battery.intervals] == [
        (a, b) for _, a, b in rows
    ]


@given(
    reported=aware_datetimes,
    lifetime=kwh,
    messages=st.lists(st.tuples(st.sampled_from(["error", "warning", "info"]), st.text())),
)
def test_well_formed_details(
    reported: datetime, lifetime: float, messages: list[tuple[str, str]]
) -> None:
    """Inverter and battery details as the simulator and the SDK's schema shape them."""
    recent = [{kind: text} for kind, text in messages] + [{"start": reported.isoformat()}]
    inverter = parse_solar_inverter(
        {
            "id": "solr-1",
            "vendor": "sma",
            "reportedAt": reported.isoformat(),
            "model": "m",
            "serialNumber": "s",
            "siteID": "site-1",
            "lifetimeProduction": {"kwh": lifetime, "start": None},
            "recentProduction": {"kwh": 0, "start": reported.isoformat()},
            "recentErrors": recent,
        }
    )
    assert inverter.lifetime_production is not None
    assert inverter.lifetime_production.kwh == lifetime
    assert inverter.recent_errors.has_error == any(k == "error" for k, _ in messages)
    assert inverter.recent_errors.start == reported
    battery = parse_battery(
        {
            "id": "batt-1",
            "vendor": "tesla",
            "reportedAt": reported.isoformat(),
            "model": "m",
            "serialNumber": "s",
            "siteID": "site-1",
            "mode": "Backup",
            "stateOfChargePercent": 42.5,
        }
    )
    assert battery.mode == "Backup"
    assert battery.reported_at == reported


@given(title=st.text(min_size=1), status=st.integers(400, 599), detail=st.none() | st.text())
def test_well_formed_problems(title: str, status: int, detail: str | None) -> None:
    """problem+json keeps its title, status and detail."""
    body: dict[str, Any] = {"type": "https://docs.derapi.com/reference/errors#x", "title": title}
    body["status"] = status
    if detail is not None:
        body["detail"] = detail
    problem = parse_problem(body)
    assert (problem.title, problem.status, problem.detail) == (title, status, detail)
