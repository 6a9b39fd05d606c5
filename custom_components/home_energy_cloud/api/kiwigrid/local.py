"""The local Energy Manager (classic / pro): ``GET http://<host>/rest/kiwigrid/wizard/devices``.

No login (notes §4); the answer is the bus's ``result.items`` device model. A 404 means a
firmware without the wizard endpoint (Manager flex, EM 10.76+), a 401 or a redirect to
``logon.html`` a firmware that added local authentication: both are typed, not retried.
"""

from __future__ import annotations

import aiohttp
from yarl import URL

from .const import LOCAL_DEVICES_PATH
from .exceptions import KiwigridAuthError, KiwigridRequestError
from .http import CookieHttp
from .models import KiwigridSite, parse_local_devices


class LocalEnergyManagerClient:
    """Reads one Energy Manager on the local network."""

    def __init__(self, session: aiohttp.ClientSession, host: str) -> None:
        """``host``: ``192.168.1.20``, ``em.local:8080`` or a full ``http://...`` origin."""
        self.base_url = host if "://" in host else f"http://{host}"
        self._http = CookieHttp(session)

    async def get_site(self) -> KiwigridSite:
        """Every visible device, classified."""
        answer = await self._http.request(
            "GET", URL(self.base_url.rstrip("/") + LOCAL_DEVICES_PATH)
        )
        if answer.status in {401, 403} or answer.status in {301, 302, 303, 307}:
            raise KiwigridAuthError("the Energy Manager asks for a local login")
        if answer.status != 200:
            raise KiwigridRequestError(
                f"the Energy Manager answered HTTP {answer.status}", code=answer.status
            )
        return parse_local_devices(answer.json())
