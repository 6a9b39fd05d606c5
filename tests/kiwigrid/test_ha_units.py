"""Pieces of the Kiwigrid glue with no cloud in them: accumulator rules, derived values, errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
import math
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from hypothesis import given, strategies as st
import pytest

from custom_components.home_energy_cloud.api.exceptions import ApiError
from custom_components.home_energy_cloud.api.kiwigrid import (
    Battery,
    EnergyManager,
    EnergyTotals,
    KiwigridConnectionError,
    KiwigridProtocolError,
    KiwigridSite,
    Location,
)
from custom_components.home_energy_cloud.kiwigrid.binary_sensor import has_problem
from custom_components.home_energy_cloud.kiwigrid.config_flow import _error_key, site_unique_id
from custom_components.home_energy_cloud.kiwigrid.energy import AccumulatorState, EnergyAccumulator
from custom_components.home_energy_cloud.kiwigrid.sensor import (
    CounterStoredData,
    battery_mode,
    cloud_last_seen,
    self_consumption,
    self_sufficiency,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_accumulator_only_rises_and_folds_days() -> None:
    state = AccumulatorState(day="2026-06-01")
    state.take_today({"WorkProduced": 5.0, "WorkIn": 0.0})
    state.take_today({"WorkProduced": 3.0, "WorkIn": -2.0})  # a glitch: nothing falls
    assert state.totals() == {"WorkProduced": 5.0, "WorkIn": 0.0}
    state.close_day({"WorkProduced": 7.0}, "2026-06-02")  # the full day, late uploads included
    state.take_today({"WorkProduced": 1.0})
    assert state.totals() == {"WorkProduced": 8.0, "WorkIn": 0.0}
    assert AccumulatorState.from_record(state.as_record()) == state


@pytest.mark.parametrize(
    "record",
    [
        None,
        {},
        {"day": 3, "base": [], "today": {}},
        {"day": "2026-06-01", "base": {"a": "x"}, "today": {}},
        {"day": "yesterday", "base": {}, "today": {}},
        {"day": "2026-06-01", "base": {"a": "nan"}, "today": {}},
    ],
)
def test_a_damaged_accumulator_record_starts_afresh(record: object) -> None:
    assert AccumulatorState.from_record(record) == AccumulatorState()  # type: ignore[arg-type]


async def test_days_beyond_the_analytics_reach_are_skipped(hass: HomeAssistant) -> None:
    asked: list[tuple[datetime, datetime]] = []

    async def read(start: datetime, end: datetime) -> EnergyTotals:
        asked.append((start, end))
        return EnergyTotals(start="", end="", totals={"WorkProduced": 1000.0})

    accumulator = EnergyAccumulator(hass, "entry")
    accumulator.state = AccumulatorState(day="2026-05-01", today={"WorkProduced": 400.0})
    now = datetime(2026, 6, 1, 12, 0, tzinfo=BERLIN)
    totals = await accumulator.async_update(read, now)
    # The old day's partial total is kept; seven full days and today are read.
    assert len(asked) == 8
    assert asked[0][0] == datetime(2026, 5, 25)
    assert totals == {"WorkProduced": 400.0 + 7 * 1000.0 + 1000.0}
    assert accumulator.due(now + timedelta(minutes=5), timedelta(minutes=5))
    assert not accumulator.due(now + timedelta(minutes=1), timedelta(minutes=5))


def test_derived_shares() -> None:
    site = Location(
        guid="x", power_produced=4000, power_out=1000, power_consumed=2000, power_in=500
    )
    assert self_consumption(site) == 75.0
    assert self_sufficiency(site) == 75.0
    assert self_consumption(Location(guid="x", power_produced=0, power_out=0)) is None
    assert self_sufficiency(Location(guid="x")) is None


def test_battery_mode_and_cloud_contact() -> None:
    assert battery_mode(Battery(guid="b", mode="CHARGING")) == "charging"
    assert battery_mode(Battery(guid="b", mode="BALANCING")) is None
    assert cloud_last_seen(EnergyManager(guid="e", cloud_last_seen_ms=0)) is None
    assert cloud_last_seen(EnergyManager(guid="e", cloud_last_seen_ms=1e30)) is None
    seen = cloud_last_seen(EnergyManager(guid="e", cloud_last_seen_ms=1_750_000_000_000))
    assert seen is not None
    assert seen.year == 2025


def test_problem_state() -> None:
    assert has_problem(EnergyManager(guid="e")) is None
    assert has_problem(EnergyManager(guid="e", state_device="OK")) is False
    assert has_problem(EnergyManager(guid="e", state_device="ERROR")) is True
    assert has_problem(EnergyManager(guid="e", state_device="OK", errors=("E42",))) is True


def test_counter_stored_data() -> None:
    assert CounterStoredData.from_dict({"value": 1, "source": 2}) == CounterStoredData(1.0, 2.0)
    assert CounterStoredData.from_dict({"value": "x"}) is None


def test_error_keys_and_unique_ids() -> None:
    assert _error_key(KiwigridConnectionError("down")) == "cannot_connect"
    assert _error_key(KiwigridProtocolError("bad")) == "bad_reply"
    assert _error_key(ApiError("refused")) == "cloud_error"
    assert _error_key(RuntimeError("bug")) == "unknown"
    assert site_unique_id(KiwigridSite(), "u1") == "kiwigrid:user:u1"
    assert site_unique_id(KiwigridSite(), None) is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.one_of(
        _JSON,
        st.fixed_dictionaries({"day": _JSON, "base": _JSON, "today": _JSON}),
        st.fixed_dictionaries(
            {
                "day": st.text(max_size=10),
                "base": st.dictionaries(st.text(max_size=8), _JSON, max_size=3),
                "today": st.dictionaries(st.text(max_size=8), _JSON, max_size=3),
            }
        ),
    )
)
def test_stored_records_parse_or_start_afresh(record: Any) -> None:
    """Whatever storage holds, restoring gives a usable state (never an exception)."""
    state = AccumulatorState.from_record(record if isinstance(record, dict) else None)
    assert all(math.isfinite(value) and value >= 0 for value in state.totals().values())
    if state.day is not None:
        assert date.fromisoformat(state.day)
    stored = CounterStoredData.from_dict(record if isinstance(record, dict) else {})
    assert stored is None or isinstance(stored.value, float)
