"""HTTP with the portal's cookies kept by the client itself (notes §10).

aiohttp's default cookie jar drops cookies from a server addressed by IP (a simulator on
127.0.0.1). Rather than require every caller to inject ``aiohttp.CookieJar(unsafe=True)``, the
client keeps the few cookies of the login flow per origin and sends them itself, so it works with
any injected session (a shared Home Assistant session included) and leaks no cookie into it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import logging
from typing import Any

import aiohttp
from yarl import URL

from .exceptions import KiwigridConnectionError, KiwigridProtocolError

_LOGGER = logging.getLogger(__name__)

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)


@dataclass(frozen=True)
class HttpAnswer:
    """What a request returned: status, the Location header, the body as text."""

    status: int
    url: URL
    location: str | None
    text: str = field(repr=False)

    def json(self) -> Any:
        """The body as JSON, or a typed protocol error."""
        try:
            return json.loads(self.text)
        except ValueError as err:
            raise KiwigridProtocolError(f"{self.url.path}: the answer is not JSON") from err


class CookieHttp:
    """Requests on an injected session, with cookies kept per origin by this object."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        """Use ``session`` for every request; its own cookie jar is neither read nor needed."""
        self._session = session
        self._cookies: dict[str, dict[str, str]] = {}

    def clear_cookies(self) -> None:
        """Forget every cookie (before a fresh login)."""
        self._cookies.clear()

    def cookie(self, url: str | URL, name: str) -> str | None:
        """The value of one cookie kept for the origin of ``url``."""
        return self._cookies.get(_origin(URL(url)), {}).get(name)

    async def request(
        self,
        method: str,
        url: str | URL,
        *,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> HttpAnswer:
        """One request, redirects not followed; network trouble and 5xx are typed errors."""
        target = URL(url)
        send_headers = dict(headers or {})
        kept = self._cookies.get(_origin(target))
        if kept:
            send_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in kept.items())
        try:
            async with self._session.request(
                method,
                target,
                headers=send_headers,
                data=data,
                allow_redirects=False,
                timeout=REQUEST_TIMEOUT,
            ) as response:
                text = await response.text(errors="replace")
                for name, morsel in response.cookies.items():
                    self._cookies.setdefault(_origin(target), {})[name] = morsel.value
                answer = HttpAnswer(response.status, target, response.headers.get("Location"), text)
        except TimeoutError as err:
            raise KiwigridConnectionError(f"{target.host}: no answer in time") from err
        except (aiohttp.ClientError, asyncio.IncompleteReadError) as err:
            raise KiwigridConnectionError(f"{target.host}: {type(err).__name__}") from err
        if answer.status >= 500:
            raise KiwigridConnectionError(
                f"{target.host} answered HTTP {answer.status}", status=answer.status
            )
        _LOGGER.debug("%s %s -> %s", method, target.path, answer.status)
        return answer


def _origin(url: URL) -> str:
    return f"{url.scheme}://{url.host}:{url.port}"


def resolve(base: URL, location: str) -> URL:
    """A Location header (absolute or relative) resolved against the URL that sent it."""
    return base.join(URL(location))
