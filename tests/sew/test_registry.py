"""The utility registry (utilities.json) and its search."""

from __future__ import annotations

import builtins
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.home_energy_cloud.api.sew import (
    OTHER_UTILITY_ID,
    Flavor,
    ServiceType,
    get_utility,
    load_utilities,
    parse_registry,
    search_utilities,
)
from custom_components.home_energy_cloud.api.sew.registry import REGISTRY_FILE


def test_shipped_registry() -> None:
    ids = {utility.id for utility in load_utilities()}
    assert ids == {"nppd", "rpu", "hidroelectrica", "sew_reference", OTHER_UTILITY_ID}
    nppd = get_utility("nppd")
    assert nppd.flavor is Flavor.PORTAL
    assert nppd.portal.encrypted
    assert nppd.portal.key == "PasswordPassword"
    assert nppd.licenses("Outage") is True
    assert nppd.time_zone == "America/Chicago"
    hidro = get_utility("hidroelectrica")
    assert (hidro.flavor, hidro.currency, hidro.time_zone) == (
        Flavor.API,
        "RON",
        "Europe/Bucharest",
    )
    assert hidro.licenses("Outage") is False
    assert get_utility("rpu").licenses("Outage") is None  # unknown: try it


def test_other_utility_takes_units_from_the_api() -> None:
    other = get_utility(OTHER_UTILITY_ID)
    assert other.is_custom
    assert other.base_url is None
    assert other.flavor is None
    assert other.time_zone is None
    assert other.unit_for(ServiceType.WATER, "HCF") == "HCF"
    assert other.unit_for(ServiceType.WATER, None) is None
    assert get_utility("nppd").unit_for(ServiceType.ELECTRIC, None) == "kWh"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["hidroelectrica", "nppd", "rpu", "sew_reference"]),
        ("NEBRASKA", ["nppd"]),
        ("hidroelectrică", ["hidroelectrica"]),
        ("rochester public", ["rpu"]),
        ("public", ["nppd", "rpu"]),
        ("zzz", []),
    ],
)
def test_search(query: str, expected: list[str]) -> None:
    found = [utility.id for utility in search_utilities(query)]
    assert found == [*expected, OTHER_UTILITY_ID]


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(version=2),
        lambda d: d.update(utilities="x"),
        lambda d: d["utilities"][0].update(base_url="http://insecure.example"),
        lambda d: d["utilities"][0].update(flavor="Z"),
        lambda d: d["utilities"][0].update(time_zone="Mars/Olympus"),
        lambda d: d["utilities"][0]["encryption"].update(key="short"),
        lambda d: d["utilities"][0]["encryption"].update(envelope="X"),
        lambda d: d["utilities"][1].update(id="nppd"),
        lambda d: d["utilities"].pop(),
        lambda d: d["utilities"][0].pop("name"),
        lambda d: d["utilities"][0].update(units={"steam": "lb"}),
        lambda d: d["utilities"][0]["encryption"].update(method_suffix=1),
    ],
)
def test_broken_registries_are_refused(breakage: Any) -> None:
    document = copy.deepcopy(_document())
    breakage(document)
    with pytest.raises(ValueError, match=r"."):
        parse_registry(document)


def test_lookups_read_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow and the set-up look utilities up in Home Assistant's event loop, where a file
    read would block it: the registry is read when its module is imported (in an executor)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the registry file was read at lookup time")

    monkeypatch.setattr(Path, "read_text", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(builtins, "open", refuse)
    assert search_utilities("nppd")[0].id == "nppd"
    assert get_utility(OTHER_UTILITY_ID).is_custom
    assert len(load_utilities()) > 1
