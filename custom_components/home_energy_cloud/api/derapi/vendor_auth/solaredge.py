"""SolarEdge: the monitoring API key, bare (seed doc: no scheme in front of it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import VendorAuthProvider, VendorCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class SolarEdgeCredentials(VendorCredentials):
    """A SolarEdge site or account API key."""

    kind = "solaredge"
    api_key: str = field(repr=False)


class SolarEdgeProvider(VendorAuthProvider):
    """`X-Authorization-solaredge: <api key>`."""

    def __init__(self, credentials: SolarEdgeCredentials) -> None:
        """Keep the key."""
        super().__init__(credentials)
        self._api_key = credentials.api_key

    async def async_headers(self) -> dict[str, str]:
        """The SolarEdge header."""
        return {"X-Authorization-solaredge": self._api_key}
