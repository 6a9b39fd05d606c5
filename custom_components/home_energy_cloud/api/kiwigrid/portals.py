"""The portals Kiwigrid serves (white labels and generations), one record each (notes §1).

Each host is a named endpoint with the real default; the Home Assistant side lets the user
override any of them (a proxy, the simulator) with :meth:`Portal.with_hosts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from .const import HEMS_API_VERSION


class Generation(StrEnum):
    """How a portal is logged in to and read."""

    LEGACY_BUS = "legacy_bus"
    """2018: form login, ``js/context.js``, the kiwibus SockJS websocket."""
    HEMS_REST = "hems_rest"
    """Since 2024: Keycloak browser login, ``/context`` JSON, HEMS REST with a bearer JWT."""


# Host names (the keys of Portal.hosts).
HOST_AUTH = "auth"
"""The login host: the legacy form login or the Keycloak identity server."""
HOST_PORTAL = "portal"
"""The web portal: auth_grant, context(.js), refreshAccessToken."""
HOST_BUS = "bus"
"""The kiwibus websocket host (legacy generation only)."""
HOST_HEMS = "hems"
"""The HEMS REST API (current generation only)."""


@dataclass(frozen=True, kw_only=True)
class Portal:
    """One portal: where it lives and the values its login flow sends."""

    key: str
    name: str
    generation: Generation
    channel: str
    client_id: str
    hosts: Mapping[str, str] = field(default_factory=dict)
    api_version: str = HEMS_API_VERSION
    realm: str | None = None
    idp_hint: str | None = None

    def host(self, name: str) -> str:
        """The origin (scheme://host[:port]) of one named host, without a trailing slash."""
        return self.hosts[name].rstrip("/")

    def with_hosts(self, overrides: Mapping[str, str]) -> Portal:
        """A copy with some hosts replaced; unknown host names are refused."""
        unknown = set(overrides) - set(self.hosts)
        if unknown:
            raise ValueError(f"{self.key} has no host(s) {sorted(unknown)}")
        return replace(self, hosts=MappingProxyType({**self.hosts, **overrides}))


SOLARWATT = Portal(
    key="solarwatt",
    name="Solarwatt",
    generation=Generation.HEMS_REST,
    channel="solarwatt",
    client_id="energy-monitor-home",
    realm="solarwatt",
    idp_hint="solarwatt-oneid",
    hosts=MappingProxyType(
        {
            HOST_AUTH: "https://auth.energymanager.com",
            HOST_PORTAL: "https://new.energymanager.com",
            HOST_HEMS: "https://hems.kiwigrid.com",
        }
    ),
)
SOLARWATT_LEGACY = Portal(
    key="solarwatt_legacy",
    name="Solarwatt (legacy Energy Manager portal)",
    generation=Generation.LEGACY_BUS,
    channel="solarwatt",
    client_id="kiwigrid.desktop",
    hosts=MappingProxyType(
        {
            HOST_AUTH: "https://auth.energy-manager.de",
            HOST_PORTAL: "https://desktop.energy-manager.de",
            HOST_BUS: "https://cloud.kiwigrid.com",
        }
    ),
)
# enviaM's Keycloak realm and identity host are not in the notes; the portal redirects to its
# login page, so the values below are the Solarwatt ones until a capture says otherwise.
ENVIAM = Portal(
    key="enviam",
    name="enviaM",
    generation=Generation.HEMS_REST,
    channel="enviam",
    client_id="energy-monitor-home",
    realm="solarwatt",
    hosts=MappingProxyType(
        {
            HOST_AUTH: "https://auth.energymanager.com",
            HOST_PORTAL: "https://energy-monitor-home.energiemanagement-enviam.de",
            HOST_HEMS: "https://hems.kiwigrid.com",
        }
    ),
)

PORTALS: Mapping[str, Portal] = MappingProxyType(
    {portal.key: portal for portal in (SOLARWATT, SOLARWATT_LEGACY, ENVIAM)}
)
