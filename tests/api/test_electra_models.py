"""Pure unit tests of the Electra helpers and parsers: no network, no simulator."""

from __future__ import annotations

import json
import re

import pytest

from custom_components.home_energy_cloud.api.electra import (
    ElectraDevice,
    ElectraTelemetry,
    ElectraTimer,
    ElectraTimers,
    build_oper,
    generate_imei,
    normalize_phone,
)
from custom_components.home_energy_cloud.api.electra.client import _mismatches, _same_value
from custom_components.home_energy_cloud.api.electra.models import parse_devices
from custom_components.home_energy_cloud.api.exceptions import ApiProtocolError
from simulator.electra.samples import SEED_DIAG, SEED_HB, SEED_OPER


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0501234567", "0501234567"),
        ("050-123-4567", "0501234567"),
        ("050 123 4567", "0501234567"),
        ("(050) 123-4567", "0501234567"),
        ("+972501234567", "0501234567"),
        ("+972 50-123-4567", "0501234567"),
        ("972501234567", "0501234567"),
        ("00972501234567", "0501234567"),
        ("+972 (0)50 123 4567", "0501234567"),
        (" 0541234567 ", "0541234567"),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "123",
        "0312345678",  # a landline
        "050123456",  # a digit short
        "05012345678",  # a digit long
        "+1 650 555 0100",
        "+0501234567",
        "501234567",
        "05O1234567",  # letter O
        "٠٥٠١٢٣٤٥٦٧",  # Arabic-Indic digits are not what the cloud stores
    ],
)
def test_normalize_phone_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match="Israeli mobile"):
        normalize_phone(raw)


def test_normalize_phone_error_does_not_echo_the_number() -> None:
    with pytest.raises(ValueError, match="Israeli") as err:
        normalize_phone("0311112222")
    assert "0311112222" not in str(err.value)


def test_generate_imei() -> None:
    imeis = {generate_imei() for _ in range(50)}
    assert all(re.fullmatch(r"2b950000[0-9]{8}", imei) for imei in imeis)
    assert len(imeis) > 45  # random, not a constant


def _telemetry_data(**groups: object) -> dict[str, object]:
    return {"timeDelta": 53, "commandJson": groups, "res": 0, "res_desc": None}


def test_telemetry_seed_sample() -> None:
    data = _telemetry_data(
        OPER=json.dumps({"OPER": dict(SEED_OPER)}),
        DIAG_L2=json.dumps({"DIAG_L2": dict(SEED_DIAG)}),
        HB=json.dumps({"HB": dict(SEED_HB)}),
    )
    telemetry = ElectraTelemetry.from_api(data, fetched_at=12.5)
    assert telemetry.oper == SEED_OPER
    assert telemetry.diag == SEED_DIAG
    assert telemetry.heartbeat == SEED_HB
    assert telemetry.time_delta == 53
    assert telemetry.fetched_at == 12.5
    assert telemetry.online


@pytest.mark.parametrize("missing", [None, "null", "None", "", " NULL ", "{GROUP}"])
def test_telemetry_null_groups(missing: str | None) -> None:
    def form(group: str) -> str | None:
        # "{GROUP}" stands for a wrapper around null, e.g. {"HB": null}
        return json.dumps({group: None}) if missing == "{GROUP}" else missing

    data = _telemetry_data(OPER=form("OPER"), DIAG_L2=form("DIAG_L2"), HB=form("HB"))
    telemetry = ElectraTelemetry.from_api(data, fetched_at=0.0)
    assert telemetry.oper is None
    assert telemetry.diag is None
    assert telemetry.heartbeat is None
    assert not telemetry.online


def test_telemetry_absent_groups_and_command_json() -> None:
    assert ElectraTelemetry.from_api(_telemetry_data(), 0.0).oper is None
    telemetry = ElectraTelemetry.from_api({"res": 0, "timeDelta": "70"}, 0.0)
    assert telemetry.oper is None
    assert telemetry.time_delta == 70
    assert ElectraTelemetry.from_api({"timeDelta": "soon"}, 0.0).time_delta is None


def test_telemetry_unwrapped_and_object_groups_are_tolerated() -> None:
    data = _telemetry_data(OPER={"OPER": {"SPT": 23}}, DIAG_L2='{"I_RAT": "24"}')
    telemetry = ElectraTelemetry.from_api(data, 0.0)
    assert telemetry.oper == {"SPT": 23}
    assert telemetry.diag == {"I_RAT": "24"}


@pytest.mark.parametrize("bad", ['{"OPER": {', "not json", "[1, 2]", '{"OPER": 5}', "42"])
def test_telemetry_bad_group_is_protocol_error(bad: str) -> None:
    with pytest.raises(ApiProtocolError):
        ElectraTelemetry.from_api(_telemetry_data(OPER=bad), 0.0)


def test_telemetry_command_json_not_an_object() -> None:
    with pytest.raises(ApiProtocolError):
        ElectraTelemetry.from_api({"commandJson": [1]}, 0.0)


def _device(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "deviceTypeName": "A/C",
        "deviceTypeId": 1,
        "manufactor": "מיני מרכזי",
        "name": "סלון",
        "sn": "123",
        "mac": "AABBCC",
        "model": "K074133343",
        "fmVersion": "611V4-C12",
        "deviceToken": "abc",
        "enableEvents": True,
        "id": 123,
    }
    record.update(overrides)
    return record


def test_parse_devices() -> None:
    without_token = _device(id="456", name="חדר")
    del without_token["deviceToken"]  # some units lack it since Sep 2026
    records: list[object] = [
        _device(),
        without_token,
        _device(id=789, deviceTypeName="Water heater", deviceTypeId=2),
        _device(id=None),
        "garbage",
    ]
    devices = parse_devices({"devices": records})
    assert [device.id for device in devices] == [123, 456]
    first = devices[0]
    assert first == ElectraDevice(
        id=123,
        name="סלון",
        mac="AABBCC",
        model="K074133343",
        manufacturer="מיני מרכזי",
        firmware="611V4-C12",
        serial="123",
        events_enabled=True,
        raw={},
    )
    assert first.raw["deviceToken"] == "abc"


def test_parse_devices_sparse_record() -> None:
    (device,) = parse_devices({"devices": [{"id": 5, "deviceTypeId": 1}]})
    assert device.name == "Electra 5"
    assert device.mac == ""
    assert device.model is device.manufacturer is device.firmware is device.serial is None
    assert device.events_enabled is None


@pytest.mark.parametrize("type_name", ["A/C", "a/c", "AC", " A / C "])
def test_parse_devices_type_spellings(type_name: str) -> None:
    assert len(parse_devices({"devices": [_device(deviceTypeName=type_name)]})) == 1


def test_parse_devices_null_and_bad() -> None:
    assert parse_devices({"devices": None}) == []
    assert parse_devices({}) == []
    with pytest.raises(ApiProtocolError):
        parse_devices({"devices": "oops"})


def test_timers_from_list_and_string() -> None:
    events = [
        {
            "eventId": 17,
            "time": "07:30",
            "days": 62,
            "enabled": True,
            "actionsJson": {"TURN_ON_OFF": "ON", "AC_MODE": "COOL", "SPT": 23},
        },
        {
            "eventId": "18",
            "time": "23:00",
            "days": 127,
            "enabled": False,
            "actionsJson": '{"AC_MODE": "STBY"}',
        },
    ]
    for payload in (events, json.dumps(events)):
        timers = ElectraTimers.from_api({"events": payload, "enabled": True})
        assert timers.enabled is True
        assert timers.timers == (
            ElectraTimer(
                "17", "07:30", 62, True, {"TURN_ON_OFF": "ON", "AC_MODE": "COOL", "SPT": 23}
            ),
            ElectraTimer("18", "23:00", 127, False, {"AC_MODE": "STBY"}),
        )


def test_timers_empty_and_bad() -> None:
    assert ElectraTimers.from_api({"events": None, "enabled": False}) == ElectraTimers(False, ())
    assert ElectraTimers.from_api({"events": ""}) == ElectraTimers(False, ())
    assert ElectraTimers.from_api({}).timers == ()
    with pytest.raises(ApiProtocolError):
        ElectraTimers.from_api({"events": "[{"})
    with pytest.raises(ApiProtocolError):
        ElectraTimers.from_api({"events": {"eventId": 1}})
    with pytest.raises(ApiProtocolError):
        ElectraTimers.from_api({"events": [{"eventId": 1, "time": "25:00", "days": 1}]})
    with pytest.raises(ApiProtocolError):
        ElectraTimers.from_api({"events": [{"time": "10:00", "days": 1}]})


def test_timer_to_api() -> None:
    timer = ElectraTimer(None, "06:45", 0b0111110, True, {"TURN_ON_OFF": "ON", "SPT": 24})
    event = timer.to_api()
    assert "eventId" not in event
    assert event["time"] == "06:45"
    assert event["days"] == 62
    assert event["enabled"] is True
    assert json.loads(event["actionsJson"]) == {"TURN_ON_OFF": "ON", "SPT": 24}
    assert ElectraTimer("9", "06:45", 1, False, {}).to_api()["eventId"] == "9"


@pytest.mark.parametrize(
    ("time", "days"), [("6:45", 1), ("24:00", 1), ("12:60", 1), ("10:00", 128)]
)
def test_timer_validation(time: str, days: int) -> None:
    with pytest.raises(ValueError, match="timer"):
        ElectraTimer(None, time, days, True, {})


def test_build_oper_central_keeps_string_spt_and_sets_stsrc() -> None:
    current = {**SEED_OPER, "AC_STSRC": "REMOTE", "X_NEW_KEY": "keep"}
    sent, expected = build_oper(current, {"AC_MODE": "COOL", "SPT": 24})
    assert sent == {**current, "AC_MODE": "COOL", "SPT": "24", "AC_STSRC": "WI-FI"}
    assert expected == {"AC_MODE": "COOL", "SPT": "24"}
    assert current["AC_STSRC"] == "REMOTE"  # the input is not mutated


def test_build_oper_int_spt() -> None:
    current = {"AC_MODE": "COOL", "AC_STSRC": "WI-FI", "SPT": 23}
    assert build_oper(current, {"SPT": "25"})[0]["SPT"] == 25
    assert build_oper(current, {"SPT": 26})[0]["SPT"] == 26
    assert build_oper(current, {"SPT": 24.6})[0]["SPT"] == 25  # type: ignore[dict-item]


def test_build_oper_power_flag_unit() -> None:
    current = {"TURN_ON_OFF": "ON", "AC_MODE": "HEAT", "SPT": "24", "VSWING": "OFF"}
    sent, expected = build_oper(current, {"AC_MODE": "STBY"})
    # STBY is never sent to these units; off is the power flag, the mode is kept.
    assert sent == {"TURN_ON_OFF": "OFF", "AC_MODE": "HEAT", "SPT": "24", "VSWING": "OFF"}
    assert "AC_STSRC" not in sent
    assert expected == {"TURN_ON_OFF": "OFF"}


def test_build_oper_unknown_keys_are_sent_not_verified() -> None:
    sent, expected = build_oper({"AC_MODE": "COOL"}, {"TURBO": "ON", "AC_STSRC": "APP"})
    assert sent == {"AC_MODE": "COOL", "TURBO": "ON", "AC_STSRC": "APP"}
    assert expected == {}


def test_build_oper_stbys_on_units_without_power_flag() -> None:
    sent, expected = build_oper(SEED_OPER | {"AC_MODE": "COOL"}, {"AC_MODE": "STBY"})
    assert sent["AC_MODE"] == "STBY"
    assert expected == {"AC_MODE": "STBY"}


def test_same_value_and_mismatches() -> None:
    assert _same_value("23", 23)
    assert _same_value(23, "23.0")
    assert _same_value("cool", "COOL")
    assert not _same_value("24", "23")
    assert not _same_value("ON", None)
    assert _mismatches({"SPT": "24", "FANSPD": "LOW"}, {"SPT": 24, "FANSPD": "HIGH"}) == {
        "FANSPD": ("LOW", "HIGH")
    }
    assert _mismatches({"SPT": "24"}, None) == {"SPT": ("24", None)}
