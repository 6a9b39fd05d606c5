"""The first import's reach: two years for users; a test set-up may only shorten it."""

from __future__ import annotations

import pytest

from custom_components.home_energy_cloud.api.sew.planner import HISTORY_DAYS as TWO_YEARS
from custom_components.home_energy_cloud.sew.const import (
    HISTORY_DAYS,
    HISTORY_DAYS_VARIABLE,
    history_days_from,
)


def test_users_get_two_years() -> None:
    """Without the variable (as in any real Home Assistant) the import reaches two years."""
    assert history_days_from({}) == TWO_YEARS
    assert HISTORY_DAYS == TWO_YEARS


def test_a_test_setup_can_shorten_the_first_import() -> None:
    """The browser suite asks for a week."""
    assert history_days_from({HISTORY_DAYS_VARIABLE: "7"}) == 7


@pytest.mark.parametrize("value", ["", "0", "-3", "a week", "7.5", str(TWO_YEARS * 10)])
def test_anything_else_keeps_two_years(value: str) -> None:
    """Never longer than two years; a value that is not a positive whole number is ignored."""
    assert history_days_from({HISTORY_DAYS_VARIABLE: value}) == TWO_YEARS
