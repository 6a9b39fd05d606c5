"""Property tests: every Kiwigrid parser returns a valid model or raises its protocol error."""

from __future__ import annotations

from collections.abc import Callable
import json
import math
from typing import Any

from hypothesis import example, given, settings, strategies as st
import pytest

from custom_components.home_energy_cloud.api.kiwigrid import (
    KiwigridDevice,
    KiwigridProtocolError,
    KiwigridSite,
    parse_context_js,
    parse_context_json,
    parse_device_event,
    parse_envelope,
    parse_frame,
    parse_local_devices,
    token_expiry,
)
from custom_components.home_energy_cloud.api.kiwigrid.const import CLASS_BATTERY, CLASS_LOCATION
from custom_components.home_energy_cloud.api.kiwigrid.eventbus import (
    parse_device_page,
    parse_reply,
)
from custom_components.home_energy_cloud.api.kiwigrid.hems_parsers import (
    parse_analytics,
    parse_batteries,
    parse_energy_flow,
)
from custom_components.home_energy_cloud.api.kiwigrid.login import find_login_form_action
from custom_components.home_energy_cloud.api.kiwigrid.sockjs import (
    CloseFrame,
    MessageFrame,
    encode_messages,
)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
tag_names = st.sampled_from(
    [
        "PowerProduced",
        "WorkIn",
        "StateOfCharge",
        "IdName",
        "StateVisibleIsSet",
        "ModeConverter",
        "StateErrorList",
        "IdSerialNumber",
    ]
)
tag_entry = st.fixed_dictionaries(
    {"value": scalars | st.lists(scalars, max_size=2)},
    optional={"guid": st.text(max_size=6) | scalars, "tagName": st.text(max_size=6)},
)
devices = st.fixed_dictionaries(
    {},
    optional={
        "guid": st.text(max_size=6) | scalars,
        "deviceModel": st.lists(
            st.fixed_dictionaries(
                {"deviceClass": st.sampled_from([CLASS_LOCATION, CLASS_BATTERY, "x"]) | scalars}
            )
            | json_values,
            max_size=3,
        )
        | json_values,
        "tagValues": st.dictionaries(tag_names, tag_entry | json_values, max_size=5) | json_values,
    },
)


def _model_or_protocol_error(parse: Callable[[], Any], model: type | tuple[type, ...]) -> None:
    try:
        result = parse()
    except KiwigridProtocolError:
        return
    assert isinstance(result, model)


@given(
    st.text(max_size=40)
    | st.builds(lambda v: "a" + json.dumps(v), json_values)
    | st.builds(lambda v: "c" + json.dumps(v), json_values)
)
def test_sockjs_frames(text: str) -> None:
    _model_or_protocol_error(lambda: parse_frame(text), object)


@given(st.lists(json_values, max_size=3))
def test_sockjs_round_trip(messages: list[Any]) -> None:
    """What the client encodes twice, a server decodes twice back to the same messages."""
    frame = parse_frame("a" + encode_messages(*messages))
    assert isinstance(frame, MessageFrame)
    assert [json.loads(m) for m in frame.messages] == json.loads(json.dumps(messages))


@given(st.integers(), st.text(max_size=10))
def test_sockjs_close(code: int, reason: str) -> None:
    assert parse_frame("c" + json.dumps([code, reason])) == CloseFrame(code, reason)


@given(st.text(max_size=40) | st.builds(json.dumps, json_values))
def test_envelopes(text: str) -> None:
    _model_or_protocol_error(lambda: parse_envelope(text), object)


@given(
    json_values | st.fixed_dictionaries({"code": st.integers()}, optional={"result": json_values})
)
def test_replies(body: Any) -> None:
    _model_or_protocol_error(lambda: parse_reply(body), object)


@given(
    json_values
    | st.fixed_dictionaries(
        {"items": st.lists(devices, max_size=3)},
        optional={"offset": json_values | st.integers(), "total": json_values | st.integers()},
    )
)
def test_device_pages(result: Any) -> None:
    _model_or_protocol_error(lambda: parse_device_page(result), object)


@given(
    json_values
    | st.fixed_dictionaries(
        {"type": st.sampled_from(["CREATED", "UPDATED", "DELETED"]) | scalars, "value": devices}
    )
)
def test_device_events(body: Any) -> None:
    _model_or_protocol_error(lambda: parse_device_event(body), object)


@given(
    json_values
    | st.fixed_dictionaries(
        {"result": st.fixed_dictionaries({"items": st.lists(devices, max_size=4) | json_values})}
    )
)
def test_local_device_list(body: Any) -> None:
    def parse() -> KiwigridSite:
        site = parse_local_devices(body)
        for device in site.devices:
            assert isinstance(device, KiwigridDevice)
            assert device.guid
        return site

    _model_or_protocol_error(parse, KiwigridSite)


@given(
    st.text(max_size=80)
    | st.builds(
        lambda token, path, url: (
            f"window.appContext = {{ oauth: {{ accessToken: '{token}',"
            f" refreshTokenPath: '{path}' }}, bus: {{ url: '{url}' }} }};"
        ),
        st.text(max_size=20),
        st.text(max_size=10),
        st.text(max_size=10),
    )
)
@settings(max_examples=200)
def test_context_js(text: str) -> None:
    _model_or_protocol_error(lambda: parse_context_js(text), object)


@given(
    json_values
    | st.fixed_dictionaries(
        {
            "oauth": st.fixed_dictionaries(
                {}, optional={"accessToken": scalars, "refreshTokenPath": scalars}
            )
            | json_values
        },
        optional={"bus": json_values},
    )
)
def test_context_json(body: Any) -> None:
    _model_or_protocol_error(lambda: parse_context_json(body), object)


def test_numbers_beyond_float_range_are_none() -> None:
    site = parse_local_devices(
        {
            "result": {
                "items": [
                    {
                        "guid": "x",
                        "deviceModel": [{"deviceClass": CLASS_LOCATION}],
                        "tagValues": {"WorkIn": {"value": 10**400}},
                    }
                ]
            }
        }
    )
    assert site.location is not None
    assert site.location.work_in is None


@given(st.text(max_size=60))
def test_token_expiry_never_raises(token: str) -> None:
    expiry = token_expiry(token)
    assert expiry is None or isinstance(expiry, float)


section = (
    st.fixed_dictionaries(
        {},
        optional={
            "in": scalars,
            "out": scalars,
            "soc": scalars,
            "devices": st.lists(
                st.fixed_dictionaries({"id": scalars}, optional={"in": scalars, "out": scalars}),
                max_size=2,
            )
            | json_values,
        },
    )
    | json_values
)


@given(
    json_values
    | st.fixed_dictionaries(
        {}, optional=dict.fromkeys(("consumption", "grid", "pv", "battery", "ev"), section)
    )
)
def test_energy_flow(body: Any) -> None:
    _model_or_protocol_error(lambda: parse_energy_flow(body, location_guid="site"), object)


@given(
    json_values
    | st.lists(
        st.fixed_dictionaries(
            {"id": scalars},
            optional={
                "state_of_charge": scalars,
                "backup_state_of_charge": scalars,
                "name": scalars,
                "work_capacity": scalars,
                "mode": scalars,
            },
        )
        | json_values,
        max_size=3,
    )
)
# Found by Hypothesis: a huge fraction overflowed to an infinite percentage.
@example([{"id": "b", "state_of_charge": 1.797e306, "backup_state_of_charge": -1.797e306}])
def test_batteries(body: Any) -> None:
    def parse() -> tuple[Any, ...]:
        batteries = parse_batteries(body)
        for battery in batteries:
            for percent in (battery.state_of_charge, battery.backup_reserve):
                assert percent is None or math.isfinite(percent)
        return batteries

    _model_or_protocol_error(parse, tuple)


@given(
    json_values
    | st.fixed_dictionaries(
        {
            "timeseries": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "name": scalars,
                        "guid": scalars,
                        "unit": st.sampled_from(["WATTHOUR", "KILOWATTHOUR", "WATT"]) | scalars,
                        "aggregated": scalars,
                        "values": st.dictionaries(st.text(max_size=4), scalars, max_size=3)
                        | json_values,
                    },
                )
                | json_values,
                max_size=4,
            )
            | json_values,
            "devices": st.lists(json_values, max_size=2) | json_values,
        }
    )
)
def test_analytics(body: Any) -> None:
    _model_or_protocol_error(lambda: parse_analytics(body, start="a", end="b"), object)


@given(
    st.text(max_size=120)
    | st.builds(
        lambda action: f'<form id="kc-form-login" action="{action}"><input></form>',
        st.text(max_size=20),
    )
)
def test_login_form_finder(html: str) -> None:
    action = find_login_form_action(html)
    assert action is None or isinstance(action, str)


def test_context_js_as_the_seed_saw_it() -> None:
    context = parse_context_js(
        'window.appContext = {\n  oauth: {\n    accessToken: "tok\\"en",\n'
        "    refreshTokenPath: '/refreshAccessToken'\n  },\n"
        "  bus: { url: 'wss://cloud.kiwigrid.com/kiwibus' }\n};"
    )
    assert context.access_token == 'tok\\"en'
    assert context.refresh_token_path == "/refreshAccessToken"
    assert context.bus_url == "wss://cloud.kiwigrid.com/kiwibus"


def test_context_without_token_is_a_changed_page() -> None:
    from custom_components.home_energy_cloud.api.kiwigrid import KiwigridLoginPageChangedError

    for parse in (
        lambda: parse_context_js("window.appContext = {};"),
        lambda: parse_context_json({"oauth": {"accessToken": ""}}),
    ):
        try:
            parse()
        except KiwigridLoginPageChangedError:
            continue
        raise AssertionError("a context without a token was accepted")


def test_token_expiry_of_both_formats() -> None:
    import base64

    def b64(value: dict[str, Any], *, url: bool) -> str:
        raw = json.dumps(value).encode()
        return (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()

    jwt = f"{b64({'alg': 'RS256'}, url=True)}.{b64({'exp': 1700000000}, url=True)}.sig"
    legacy = f"{b64({'expiration': 1700000000123}, url=False)}.c2ln"
    assert token_expiry(jwt) == 1700000000.0
    assert token_expiry(legacy) == pytest.approx(1700000000.123)
    assert token_expiry("opaque") is None
