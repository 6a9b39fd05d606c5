"""What every vendor credential provider shares (notes §9.1, §10).

A provider turns one vendor's stored credentials into the request headers Derapi wants for that
vendor (``X-Authorization-<vendor>`` and, for Enphase, ``X-enphase-api-key``), obtaining and
refreshing tokens at the vendor's own token endpoint. Credentials are plain dataclasses that
round-trip through dicts, because they live in the config entry's data.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable, Mapping
import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import aiohttp

from ..const import TOKEN_RENEW_MARGIN
from ..exceptions import DerapiProtocolError
from ..oauth import OAuthToken


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorCredentials:
    """Base of every vendor's credentials; fields are strings (optional ones may be None)."""

    kind: ClassVar[str]
    """The key under which `to_dict` stores the type (the vendor family, e.g. "sma")."""

    @property
    def vendor(self) -> str:
        """Derapi's vendor key, as used in `X-Authorization-<vendor>` and `errors`."""
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for the config entry (secrets included: entry data is private)."""
        data: dict[str, Any] = {"kind": self.kind}
        data.update({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Read what `to_dict` wrote; a missing or mistyped field raises DerapiProtocolError."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            value = data.get(f.name)
            required = f.default is dataclasses.MISSING
            expected: type = bool if f.type == "bool" else str
            if value is None and not required:
                continue
            if not isinstance(value, expected) or (expected is str and required and not value):
                raise DerapiProtocolError(
                    f"{cls.kind} credentials: `{f.name}` is missing or invalid"
                )
            values[f.name] = value
        return cls(**values)


type CredentialsListener = Callable[[VendorCredentials], None]


class VendorAuthProvider(ABC):
    """Headers for one vendor; subclasses add token handling where the vendor needs it."""

    def __init__(self, credentials: VendorCredentials) -> None:
        """Keep the credentials."""
        self._credentials = credentials

    @property
    def vendor(self) -> str:
        """Derapi's key for this vendor."""
        return self._credentials.vendor

    @property
    def credentials(self) -> VendorCredentials:
        """The current credentials (with the newest refresh token, for rotating vendors)."""
        return self._credentials

    def __repr__(self) -> str:
        """Only the vendor: the credentials are secret."""
        return f"{type(self).__name__}(vendor={self.vendor!r})"

    @abstractmethod
    async def async_headers(self) -> dict[str, str]:
        """The headers to add to a Derapi request for this vendor."""

    def invalidate(self) -> None:  # noqa: B027 - static-key vendors have nothing to forget
        """Forget any cached access token (Derapi said the vendor refused it)."""


class TokenProvider(VendorAuthProvider):
    """A vendor whose header carries a short-lived access token from its token endpoint.

    Renewals are serialised (single flight): two concurrent renewals with a rotating refresh
    token would spend it twice, and the second one would kill the chain.
    """

    def __init__(
        self,
        credentials: VendorCredentials,
        *,
        http: aiohttp.ClientSession,
        token_url: str,
        clock: Callable[[], float],
        timeout: float,
    ) -> None:
        """`token_url` is the vendor's token host (base URL); `clock` monotonic seconds."""
        super().__init__(credentials)
        self._http = http
        self._token_base = token_url.rstrip("/")
        self._clock = clock
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self._access: str | None = None
        self._access_expires_at = 0.0
        self.token_requests = 0

    async def async_access_token(self) -> str:
        """A valid access token, renewed first when missing or about to expire."""
        if self._access is not None and self._fresh():
            return self._access
        async with self._lock:
            if self._access is not None and self._fresh():
                return self._access
            received_at = self._clock()
            self.token_requests += 1
            token = await self._obtain(received_at)
            self._access = token.access_token
            self._access_expires_at = received_at + token.expires_in
            return self._access

    def invalidate(self) -> None:
        """Forget the access token; the next request obtains a new one."""
        self._access = None

    def _fresh(self) -> bool:
        # Never renew more than halfway through a short token's life (SMA: 300 s).
        margin = min(TOKEN_RENEW_MARGIN, (self._access_expires_at - self._clock()) / 2 + 1)
        return self._clock() < self._access_expires_at - max(margin, 0.0)

    def _token_url(self, path: str) -> str:
        return self._token_base + path

    @abstractmethod
    async def _obtain(self, now: float) -> OAuthToken:
        """Request a new token (called under the lock); `now` is when the request started."""


class RotatingTokenProvider(TokenProvider):
    """A vendor whose refresh token is single-use: every new one is reported at once."""

    def __init__(
        self,
        credentials: VendorCredentials,
        *,
        http: aiohttp.ClientSession,
        token_url: str,
        clock: Callable[[], float],
        timeout: float,
        on_credentials_changed: CredentialsListener | None = None,
    ) -> None:
        """`on_credentials_changed` gets the new credentials each time the token rotates."""
        super().__init__(credentials, http=http, token_url=token_url, clock=clock, timeout=timeout)
        self._listener = on_credentials_changed

    def _adopt_refresh_token(self, refresh_token: str | None) -> None:
        current = getattr(self._credentials, "refresh_token", None)
        if refresh_token is None or refresh_token == current:
            return
        changes: dict[str, Any] = {"refresh_token": refresh_token}
        self._credentials = dataclasses.replace(self._credentials, **changes)
        if self._listener is not None:
            # Called before the token is used: if Home Assistant stops now, the new one is kept.
            self._listener(self._credentials)
