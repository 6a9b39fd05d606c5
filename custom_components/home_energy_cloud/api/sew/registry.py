"""The utilities the config flow offers (``utilities.json``, data not code) and their search.

Per utility: ``encryption`` holds flavor A's settings (``enabled``, ``envelope`` A or I, ``key``,
``password_digest`` hex or base64, ``method_suffix`` "Mob" by default). ``units`` lists only
units with public evidence; a service missing there takes the unit the API reports for the
meter (``UOM``), never a guess. ``time_zone`` None means "use Home Assistant's". ``modules``
None means unknown: calls are tried and a 404 means not licensed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
import json
from pathlib import Path
from typing import Any
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .crypto import PasswordDigest, check_key
from .models import Flavor, ServiceType
from .portal import PortalSettings

REGISTRY_FILE = Path(__file__).with_name("utilities.json")
OTHER_UTILITY_ID = "other"


@dataclass(frozen=True, slots=True)
class SewUtility:
    """One SEW-platform utility."""

    id: str
    name: str
    base_url: str | None
    flavor: Flavor | None
    portal: PortalSettings = field(repr=False)
    modules: frozenset[str] | None
    units: Mapping[ServiceType, str]
    time_zone: str | None
    currency: str | None

    @property
    def is_custom(self) -> bool:
        """The "Other SEW utility" entry: base URL and flavor are typed in."""
        return self.id == OTHER_UTILITY_ID

    def licenses(self, module: str) -> bool | None:
        """Whether the utility runs ``module`` (None: not known, try it)."""
        return None if self.modules is None else module in self.modules

    def unit_for(self, service: ServiceType, reported: str | None) -> str | None:
        """The unit of a meter: the registry's where known, else what the API reported."""
        return self.units.get(service) or reported

    def with_endpoint(
        self, base_url: str, flavor: Flavor, *, encrypted: bool | None = None
    ) -> SewUtility:
        """A copy pointing elsewhere (custom utility, simulator, encryption toggled)."""
        portal = self.portal if encrypted is None else replace(self.portal, encrypted=encrypted)
        return replace(self, base_url=base_url, flavor=flavor, portal=portal)


def _portal_settings(raw: Mapping[str, Any]) -> PortalSettings:
    enabled = raw.get("enabled", True)
    envelope = raw.get("envelope", "A")
    key = raw.get("key", "PasswordPassword")
    suffix = raw.get("method_suffix", "Mob")
    if not isinstance(enabled, bool) or envelope not in ("A", "I") or not isinstance(key, str):
        raise ValueError("encryption needs enabled (bool), envelope (A or I) and key")
    if not isinstance(suffix, str):
        raise ValueError('method_suffix must be text ("Mob" or "")')  # noqa: TRY004
    check_key(key)
    return PortalSettings(
        encrypted=enabled,
        envelope=envelope,
        key=key,
        password_digest=PasswordDigest(raw.get("password_digest", "hex")),
        method_suffix=suffix,
    )


def _utility(raw: Mapping[str, Any]) -> SewUtility:
    ident, name = raw["id"], raw["name"]
    if not isinstance(ident, str) or not isinstance(name, str) or not ident or not name:
        raise ValueError("every utility needs an id and a name")
    flavor = None if raw.get("flavor") is None else Flavor(raw["flavor"])
    base_url = raw.get("base_url")
    if ident != OTHER_UTILITY_ID and (not isinstance(base_url, str) or flavor is None):
        raise ValueError(f"{ident}: base_url and flavor are required")
    if isinstance(base_url, str) and not base_url.startswith("https://"):
        raise ValueError(f"{ident}: base_url must be https")
    time_zone = raw.get("time_zone")
    if time_zone is not None:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"{ident}: unknown time zone {time_zone!r}") from err
    modules = raw.get("modules")
    return SewUtility(
        id=ident,
        name=name,
        base_url=base_url,
        flavor=flavor,
        portal=_portal_settings(raw.get("encryption") or {}),
        modules=None if modules is None else frozenset(modules),
        units={ServiceType(service): unit for service, unit in raw.get("units", {}).items()},
        time_zone=time_zone,
        currency=raw.get("currency"),
    )


def parse_registry(document: object) -> tuple[SewUtility, ...]:
    """Validate a registry document; raises ValueError naming the first problem."""
    if not isinstance(document, Mapping) or document.get("version") != 1:
        raise ValueError("expected a version 1 utility registry")
    raw_utilities = document.get("utilities")
    if not isinstance(raw_utilities, list):
        raise ValueError("expected a list of utilities")  # noqa: TRY004 (one error type for callers)
    try:
        utilities = tuple(_utility(raw) for raw in raw_utilities)
    except (KeyError, TypeError) as err:
        raise ValueError(f"malformed utility entry: {err}") from err
    ids = [utility.id for utility in utilities]
    if len(set(ids)) != len(ids) or OTHER_UTILITY_ID not in ids:
        raise ValueError("utility ids must be unique and include 'other'")
    return utilities


def _read_registry() -> tuple[SewUtility, ...]:
    return parse_registry(json.loads(REGISTRY_FILE.read_text(encoding="utf-8")))


# Read with the module: Home Assistant imports integrations in an executor thread, while the
# config flow and the set-up that look utilities up run in its event loop, where a file read
# blocks every other integration (and Home Assistant logs it as a bug of ours).
_UTILITIES = _read_registry()


def load_utilities() -> tuple[SewUtility, ...]:
    """The shipped registry (read when this module was imported)."""
    return _UTILITIES


def get_utility(utility_id: str) -> SewUtility:
    """The utility with this id; KeyError if there is none."""
    for utility in load_utilities():
        if utility.id == utility_id:
            return utility
    raise KeyError(utility_id)


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def search_utilities(query: str) -> list[SewUtility]:
    """Utilities whose name or id contains every word of ``query`` (case and accents ignored).

    "Other SEW utility" is always offered, last.
    """
    words = _fold(query).split()
    matches = [
        utility
        for utility in load_utilities()
        if not utility.is_custom
        and all(word in _fold(f"{utility.name} {utility.id}") for word in words)
    ]
    return [*sorted(matches, key=lambda u: _fold(u.name)), get_utility(OTHER_UTILITY_ID)]
