"""Property tests: any reply body yields data or one of the client's typed errors."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.home_energy_cloud.api.exceptions import ApiError
from custom_components.home_energy_cloud.api.sew import SewEncryptionMismatchError
from custom_components.home_energy_cloud.api.sew.crypto import encrypt_bytes
from custom_components.home_energy_cloud.api.sew.models import (
    parse_accounts,
    parse_bill,
    parse_meters,
    parse_outage,
)
from custom_components.home_energy_cloud.api.sew.portal import PortalSettings, decode_reply
from custom_components.home_energy_cloud.api.sew.transport import unwrap_result

KEY = "PasswordPassword"
METHOD = "GetBillMob"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
ENVELOPES = st.fixed_dictionaries(
    {},
    optional={
        "status_code": st.one_of(st.sampled_from([200, 401, 404, 500, 503]), JSON),
        "result": st.one_of(
            JSON,
            st.fixed_dictionaries(
                {},
                optional={
                    "Status": st.one_of(st.sampled_from([0, 1, "0", "1"]), JSON),
                    "Message": st.one_of(
                        st.sampled_from(["", "Token has been expired.", "Under maintenance"]), JSON
                    ),
                    "Data": JSON,
                },
            ),
        ),
    },
)


def _typed(call: Any, *args: Any) -> None:
    """Run a parser: returning is fine, and so is a typed error; anything else fails."""
    with contextlib.suppress(ApiError):
        call(*args)


@settings(max_examples=300, deadline=None)
@given(ENVELOPES, st.booleans(), st.booleans())
def test_portal_replies_give_data_or_a_typed_error(
    envelope: dict[str, Any], encrypted_server: bool, encrypted_client: bool
) -> None:
    inner: Any = envelope
    if encrypted_server:
        inner = encrypt_bytes(json.dumps(envelope).encode(), KEY)
    body = json.dumps({f"{METHOD}Result": inner})
    _typed(decode_reply, body, METHOD, PortalSettings(encrypted=encrypted_client))


@given(st.text(max_size=200), st.booleans())
def test_any_reply_text_gives_data_or_a_typed_error(body: str, encrypted: bool) -> None:
    _typed(decode_reply, body, METHOD, PortalSettings(encrypted=encrypted))


@given(st.binary(max_size=120))
def test_encrypted_garbage_gives_a_typed_error(blob: bytes) -> None:
    body = json.dumps({f"{METHOD}Result": encrypt_bytes(blob, KEY)})
    _typed(decode_reply, body, METHOD, PortalSettings())


@given(ENVELOPES)
def test_unwrap_gives_data_or_a_typed_error(envelope: dict[str, Any]) -> None:
    _typed(unwrap_result, envelope)


@settings(max_examples=200)
@given(JSON)
def test_other_parsers_give_models_or_typed_errors(data: Any) -> None:
    for parser in (parse_accounts, parse_meters, parse_bill, parse_outage):
        _typed(parser, data)


OK = {"status_code": 200, "result": {"Status": 1, "Message": "", "Data": {"x": 1}}}


@pytest.mark.parametrize("encrypted", [True, False])
def test_plain_and_encrypted_replies_are_both_read(encrypted: bool) -> None:
    settings_ = PortalSettings(encrypted=encrypted)
    sealed = encrypt_bytes(json.dumps(OK).encode(), KEY)
    assert decode_reply(json.dumps({f"{METHOD}Result": OK}), METHOD, settings_) == {"x": 1}
    assert decode_reply(json.dumps({f"{METHOD}Result": sealed}), METHOD, settings_) == {"x": 1}


@pytest.mark.parametrize(
    "body",
    [
        "<html>Request Error</html>",
        json.dumps({"OtherResult": OK}),
        json.dumps({f"{METHOD}Result": encrypt_bytes(json.dumps(OK).encode(), "AnotherKey123456")}),
        json.dumps({f"{METHOD}Result": encrypt_bytes(b"not json", KEY)}),
    ],
)
def test_replies_that_do_not_open_are_an_encryption_mismatch(body: str) -> None:
    with pytest.raises(SewEncryptionMismatchError):
        decode_reply(body, METHOD, PortalSettings())
