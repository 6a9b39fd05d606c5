"""The portals Kiwigrid serves (white labels and generations), one record each (notes §1).

Each host is a named endpoint with the real default; the Home Assistant side lets the user
override any of them (a proxy, the simulator) with :meth:`Portal.with_hosts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
import re
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


# A Keycloak realm is one path segment of the login URLs.
_REALM = re.compile(r"[A-Za-z0-9_-]+")


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
    """The Keycloak realm of the login (``/auth/realms/<realm>/...``); every HEMS portal names
    one, the legacy form login has none."""
    idp_hint: str | None = None

    def __post_init__(self) -> None:
        """A HEMS portal without a valid realm could only guess one at login time."""
        if self.generation is Generation.HEMS_REST and not _REALM.fullmatch(self.realm or ""):
            raise ValueError(f"{self.key}: a HEMS portal needs a Keycloak realm")
        if self.generation is Generation.LEGACY_BUS and self.realm is not None:
            raise ValueError(f"{self.key}: the legacy login has no Keycloak realm")

    def host(self, name: str) -> str:
        """The origin (scheme://host[:port]) of one named host, without a trailing slash."""
        return self.hosts[name].rstrip("/")

    def with_hosts(self, overrides: Mapping[str, str]) -> Portal:
        """A copy with some hosts replaced; unknown host names are refused."""
        unknown = set(overrides) - set(self.hosts)
        if unknown:
            raise ValueError(f"{self.key} has no host(s) {sorted(unknown)}")
        return replace(self, hosts=MappingProxyType({**self.hosts, **overrides}))

    def with_realm(self, realm: str) -> Portal:
        """A copy logging in to another Keycloak realm (ValueError when it cannot be one)."""
        return replace(self, realm=realm)


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
# enviaM (notes §1): its portal and the HEMS host are known, its Keycloak identity host and
# realm are not. The public enviaM client never names them: it opens the portal's overview and
# follows the redirect to whatever login page comes back. Both are assumed to be Solarwatt's
# (one Kiwigrid identity server, the white label told apart by its client's redirect URI);
# the login host can be overridden, the realm is this record's (``with_realm``). Were it wrong,
# the login page answers 404 and the flow reports a changed login page.
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
