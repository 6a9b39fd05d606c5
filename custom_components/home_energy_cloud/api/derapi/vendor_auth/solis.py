"""Solis: the API key pair itself, as HTTP Basic (seed doc; Derapi signs SolisCloud calls)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from .base import VendorAuthProvider, VendorCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class SolisCredentials(VendorCredentials):
    """A SolisCloud API key id and secret."""

    kind = "solis"
    key_id: str
    key_secret: str = field(repr=False)


class SolisProvider(VendorAuthProvider):
    """`X-Authorization-solis: Basic base64(key_id:key_secret)`.

    No trailing newline, although the doc's `base64 <<<` example encodes one (notes §9.1, open
    question 7): the Basic scheme (RFC 7617) has none.
    """

    def __init__(self, credentials: SolisCredentials) -> None:
        """The header never changes, so it is built once."""
        super().__init__(credentials)
        pair = f"{credentials.key_id}:{credentials.key_secret}".encode()
        self._header = {"X-Authorization-solis": "Basic " + base64.b64encode(pair).decode("ascii")}

    async def async_headers(self) -> dict[str, str]:
        """The Solis header."""
        return dict(self._header)
