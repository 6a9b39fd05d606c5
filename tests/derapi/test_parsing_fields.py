"""Field readers of the Derapi parsers: every malformed field is a typed protocol error."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.home_energy_cloud.api.derapi import DerapiProtocolError
from custom_components.home_energy_cloud.api.derapi.parsing import (
    opt_bool,
    opt_datetime,
    opt_num,
    opt_str,
    req_datetime,
    req_num,
    req_str,
)


@pytest.mark.parametrize(
    ("reader", "data"),
    [
        (req_str, {"k": ""}),
        (req_str, {"k": 3}),
        (opt_str, {"k": 3}),
        (req_num, {}),
        (req_num, {"k": True}),
        (req_num, {"k": "1"}),
        (req_num, {"k": 10**400}),
        (req_num, {"k": float("nan")}),
        (opt_num, {"k": float("inf")}),
        (opt_bool, {"k": "yes"}),
        (req_datetime, {"k": 5}),
        (req_datetime, {"k": "yesterday"}),
        (req_datetime, {"k": "2026-12-02T10:00:00"}),  # no offset
        (opt_datetime, {"k": "2026-13-02T10:00:00Z"}),
    ],
)
def test_a_malformed_field_is_a_protocol_error(reader: Any, data: dict[str, Any]) -> None:
    with pytest.raises(DerapiProtocolError):
        reader(data, "k", "thing")


def test_well_formed_fields() -> None:
    assert opt_str({}, "k", "thing") is None
    assert opt_num({"k": None}, "k", "thing") is None
    assert req_num({"k": 2}, "k", "thing") == 2.0
    assert opt_bool({"k": False}, "k", "thing") is False
    assert opt_bool({}, "k", "thing") is None
    assert opt_datetime({}, "k", "thing") is None
    assert req_datetime({"k": "2026-12-02T10:00:00+02:00"}, "k", "thing").utcoffset() is not None
