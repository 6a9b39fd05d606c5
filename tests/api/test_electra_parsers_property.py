"""Property tests: each Electra parser returns a valid model or raises ApiProtocolError.

Whatever the cloud sends (any JSON, wrong types, nested strings), nothing else may escape and
nothing may hang (the HA glue maps ApiProtocolError once; any other exception would be a bug).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings, strategies as st

from custom_components.home_energy_cloud.api.electra import (
    STALE_REPORT_AGE,
    ElectraTelemetry,
    ElectraTimers,
)
from custom_components.home_energy_cloud.api.electra.client import _parse_envelope
from custom_components.home_energy_cloud.api.electra.models import parse_devices
from custom_components.home_energy_cloud.api.exceptions import ApiProtocolError

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Telemetry groups: real shapes, their null placeholders, and anything at all.
_group = (
    st.sampled_from([None, "", "null", "None", "NULL"])
    | _json.map(lambda value: json.dumps({"OPER": value}))
    | _json.map(json.dumps)
    | st.text(max_size=20)
    | _json
)
_telemetry = st.fixed_dictionaries(
    {},
    optional={
        "timeDelta": _scalars,
        "commandJson": st.dictionaries(
            st.sampled_from(["OPER", "DIAG_L2", "HB"]), _group, max_size=3
        )
        | _json.map(json.dumps)
        | _json,
    },
)


@settings(max_examples=300, deadline=None)
@given(_telemetry)
def test_telemetry_parses_or_raises_protocol_error(data: dict[str, Any]) -> None:
    try:
        telemetry = ElectraTelemetry.from_api(data, fetched_at=1.0)
    except ApiProtocolError:
        return
    for group in (telemetry.oper, telemetry.diag, telemetry.heartbeat):
        assert group is None or isinstance(group, dict)
    age = telemetry.report_age
    assert age is None or isinstance(age, int)
    # Stale exactly when the cloud says the last report is older than the threshold.
    assert telemetry.is_stale() == (age is not None and age > STALE_REPORT_AGE)
    assert not telemetry.is_stale(threshold=float("inf"))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["devices", "res"]), _json, max_size=2))
def test_devices_parse_or_raise_protocol_error(data: dict[str, Any]) -> None:
    try:
        devices = parse_devices(data)
    except ApiProtocolError:
        return
    assert all(isinstance(device.id, int) and device.name for device in devices)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "enabled": _scalars,
            "events": _json
            | _json.map(json.dumps)
            | st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "eventId": _scalars,
                        "time": st.sampled_from(["07:00", "24:00", "7:0"]) | st.text(max_size=6),
                        "days": _scalars,
                        "enabled": _scalars,
                        "actionsJson": _json | _json.map(json.dumps),
                    },
                ),
                max_size=3,
            ),
        },
    )
)
def test_timers_parse_or_raise_protocol_error(data: dict[str, Any]) -> None:
    try:
        timers = ElectraTimers.from_api(data)
    except ApiProtocolError:
        return
    assert isinstance(timers.enabled, bool)
    for timer in timers.timers:
        assert 0 <= timer.days <= 0b1111111


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | _json.map(lambda value: json.dumps(value).encode()))
def test_envelope_parses_or_raises_protocol_error(raw: bytes) -> None:
    try:
        envelope = _parse_envelope("GET_DEVICES", raw)
    except ApiProtocolError:
        return
    assert isinstance(envelope["status"], int)
    assert envelope["data"] is None or isinstance(envelope["data"], dict)
