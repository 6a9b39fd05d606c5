"""Every host the Derapi client talks to, so each can point at a proxy or the simulator."""

from __future__ import annotations

from dataclasses import dataclass

from .const import (
    DEFAULT_API_URL,
    DEFAULT_AUTH_URL,
    DEFAULT_ENPHASE_AUTH_URL,
    DEFAULT_SMA_AUTH_URL,
    DEFAULT_TESLA_AUTH_URL,
    SANDBOX_API_URL,
    SANDBOX_AUTH_URL,
    SANDBOX_SMA_AUTH_URL,
)


@dataclass(frozen=True, slots=True)
class DerapiHosts:
    """Base URLs (scheme and host, no path) of Derapi and of each vendor's token endpoint."""

    api_url: str = DEFAULT_API_URL
    auth_url: str = DEFAULT_AUTH_URL
    sma_auth_url: str = DEFAULT_SMA_AUTH_URL
    enphase_auth_url: str = DEFAULT_ENPHASE_AUTH_URL
    tesla_auth_url: str = DEFAULT_TESLA_AUTH_URL

    @classmethod
    def production(cls) -> DerapiHosts:
        """The real services."""
        return cls()

    @classmethod
    def sandbox(cls) -> DerapiHosts:
        """Derapi's virtual mode (same Derapi hosts) with SMA's sandbox token host."""
        return cls(
            api_url=SANDBOX_API_URL, auth_url=SANDBOX_AUTH_URL, sma_auth_url=SANDBOX_SMA_AUTH_URL
        )
