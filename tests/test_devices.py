"""The shared device lifecycle's removal rules (pure state, no cloud needed)."""

from __future__ import annotations

from custom_components.home_energy_cloud.devices import (
    MISS_INTERVAL,
    MISSES_TO_REMOVE,
    MissingDevices,
)

HOUR = MISS_INTERVAL.total_seconds()


def everything(uid: str) -> bool:
    return True


def test_the_first_list_never_removes_and_only_adds() -> None:
    state = MissingDevices(listed={"a", "b"})
    assert state.report(set(), 0, everything) == set()
    assert state.listed == {"a", "b"}
    assert state.misses == {}


def test_removal_needs_misses_an_hour_apart() -> None:
    state = MissingDevices()
    state.report({"a", "b"}, 0, everything)
    assert state.report({"a"}, HOUR, everything) == set()
    # Lists every few seconds add no evidence within the hour.
    for second in range(1, 100):
        assert state.report({"a"}, HOUR + second * 30, everything) == set()
    # An hourly list a little early (scheduler jitter) still counts as an hour later.
    assert state.misses["b"][0] == 1
    assert state.report({"a"}, 2 * HOUR - 1, everything) == {"b"}
    assert MISSES_TO_REMOVE == 2
    assert state.listed == {"a"}
    assert "b" not in state.misses


def test_a_list_naming_the_device_ends_its_streak() -> None:
    state = MissingDevices()
    state.report({"a"}, 0, everything)
    state.report(set(), HOUR, everything)
    state.report({"a"}, 2 * HOUR, everything)
    assert state.report(set(), 3 * HOUR, everything) == set()
    assert state.misses == {"a": [1, 3 * HOUR]}


def test_a_list_speaks_only_for_its_scope() -> None:
    state = MissingDevices()
    state.report({"sma_1", "tesla_1"}, 0, everything)
    only_sma = lambda uid: uid.startswith("sma")  # noqa: E731 - a tiny predicate
    for hour in (1, 2, 3):
        assert state.report({"sma_1"}, hour * HOUR, only_sma) == set()
    assert state.listed == {"sma_1", "tesla_1"}


def test_the_record_survives_a_restart_but_the_first_list_flag_does_not() -> None:
    state = MissingDevices()
    state.report({"a", "b"}, 0, everything)
    state.report({"a"}, HOUR, everything)
    restored = MissingDevices.from_record(state.as_record())
    assert restored.listed == {"a", "b"}
    assert restored.misses == {"b": [1, HOUR]}
    # The first list after the restart does not count, the next one does.
    assert restored.report({"a"}, 2 * HOUR, everything) == set()
    assert restored.report({"a"}, 2 * HOUR + 60, everything) == {"b"}


def test_a_damaged_record_starts_afresh() -> None:
    for record in (None, {}, {"listed": 3}, {"listed": [], "misses": {"a": "x"}}):
        state = MissingDevices.from_record(record)  # type: ignore[arg-type]
        assert state.listed == set()
        assert state.misses == {}


def test_who_may_be_removed_by_hand() -> None:
    state = MissingDevices()
    state.report({"a", "b"}, 0, everything)
    state.report({"a"}, HOUR, everything)
    assert not state.may_remove_by_hand("a")
    assert state.may_remove_by_hand("b")  # missing from the latest counted list
    assert state.may_remove_by_hand("never_listed")
