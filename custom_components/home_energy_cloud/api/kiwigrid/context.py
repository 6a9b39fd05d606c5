"""The portal's application context: where the access token comes from (notes §2.1, §3).

Legacy portals serve ``js/context.js`` (JavaScript setting ``window.appContext``); current ones
serve ``/context`` as JSON. Both carry ``oauth.accessToken``, ``oauth.refreshTokenPath`` and,
on bus portals, ``bus.url``. The token is a JWT (``exp`` in seconds) or the 2018 format: base64
JSON, a dot, a signature, with ``expiration`` in epoch milliseconds.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import re

from .const import DEFAULT_REFRESH_TOKEN_PATH
from .exceptions import KiwigridLoginPageChangedError
from .models import as_number, as_text


@dataclass(frozen=True)
class PortalContext:
    """The token and the links the portal hands a logged-in browser."""

    access_token: str = field(repr=False)
    refresh_token_path: str = DEFAULT_REFRESH_TOKEN_PATH
    bus_url: str | None = None
    expires_at: float | None = None
    """Unix time the token expires (None when the token does not say)."""


def token_expiry(token: str) -> float | None:
    """Unix time a token expires at, read from a JWT's ``exp`` or a 2018 ``expiration`` (ms)."""
    parts = token.split(".")
    claims = None
    # A JWT's claims are its middle part; the 2018 token's are the first.
    for index, key, scale in ((1, "exp", 1.0), (0, "expiration", 0.001)):
        if len(parts) <= index:
            continue
        claims = _decode_claims(parts[index])
        if claims is not None and (value := as_number(claims.get(key))) is not None:
            return value * scale
    return None


def token_subject(token: str) -> str | None:
    """The account a token belongs to: a JWT's ``sub`` or a 2018 token's ``user_id``."""
    parts = token.split(".")
    for index, key in ((1, "sub"), (0, "user_id")):
        claims = _decode_claims(parts[index]) if len(parts) > index else None
        if claims is not None and (subject := as_text(claims.get(key))) is not None:
            return subject
    return None


def _decode_claims(part: str) -> Mapping[str, object] | None:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        claims = json.loads(raw)
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, Mapping) else None


def _context(token: object, refresh_path: object, bus_url: object) -> PortalContext:
    access_token = as_text(token)
    if access_token is None:
        raise KiwigridLoginPageChangedError("the portal context carries no access token")
    return PortalContext(
        access_token=access_token,
        refresh_token_path=as_text(refresh_path) or DEFAULT_REFRESH_TOKEN_PATH,
        bus_url=as_text(bus_url),
        expires_at=token_expiry(access_token),
    )


def parse_context_json(body: object) -> PortalContext:
    """``/context``: ``{"oauth": {"accessToken", "refreshTokenPath"}, "bus": {"url"}}``."""
    if not isinstance(body, Mapping):
        raise KiwigridLoginPageChangedError("the portal context is not an object")
    oauth = body.get("oauth")
    bus = body.get("bus")
    if not isinstance(oauth, Mapping):
        raise KiwigridLoginPageChangedError("the portal context has no oauth object")
    return _context(
        oauth.get("accessToken"),
        oauth.get("refreshTokenPath"),
        bus.get("url") if isinstance(bus, Mapping) else None,
    )


_QUOTED = r"""\s*:\s*(?P<q>['"])(?P<value>(?:\\.|(?!(?P=q))[^\\])*)(?P=q)"""
_ACCESS_TOKEN = re.compile(r"\baccessToken" + _QUOTED)
_REFRESH_PATH = re.compile(r"\brefreshTokenPath" + _QUOTED)
_BUS_URL = re.compile(r"\bbus\s*:\s*\{[^{}]*?\burl" + _QUOTED)


def parse_context_js(text: str) -> PortalContext:
    """``js/context.js``: JavaScript whose object literal holds the same keys as ``/context``."""

    def find(pattern: re.Pattern[str]) -> str | None:
        match = pattern.search(text)
        return match.group("value") if match else None

    return _context(find(_ACCESS_TOKEN), find(_REFRESH_PATH), find(_BUS_URL))
