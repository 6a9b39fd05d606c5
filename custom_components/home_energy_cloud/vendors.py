"""The vendor registry: what the config-flow menu offers and which platforms an entry loads.

Only vendors that work end to end are registered; adding one is adding its record here.
"""

from __future__ import annotations

from typing import Any

from .derapi import DERAPI
from .electra import ELECTRA
from .kiwigrid import KIWIGRID
from .vendor_spec import VendorSpec

VENDORS: dict[str, VendorSpec[Any]] = {spec.key: spec for spec in (ELECTRA, KIWIGRID, DERAPI)}


def get_vendor(key: object) -> VendorSpec[Any] | None:
    """The registered vendor for an ``entry.data`` value, or None if it is unknown."""
    return VENDORS.get(key) if isinstance(key, str) else None
