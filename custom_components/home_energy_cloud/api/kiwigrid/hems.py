"""Generation 2: the current Solarwatt cloud (Keycloak login, ``/context``, HEMS v11 REST).

Polling only (the cloud has no push). The bearer JWT is refreshed ``TOKEN_REFRESH_MARGIN``
before its ``exp`` through the portal's ``refreshTokenPath``; when that is refused the client
logs in again with the stored credentials. A 401 from HEMS gets one renewal and one retry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
import time
from typing import Any

import aiohttp
from yarl import URL

from .const import TOKEN_REFRESH_MARGIN
from .context import PortalContext, token_subject
from .exceptions import KiwigridRequestError, KiwigridTokenExpiredError
from .hems_parsers import EnergyTotals, parse_analytics, parse_batteries, parse_energy_flow
from .http import CookieHttp, HttpAnswer
from .login import keycloak_login, refresh_access_token
from .models import KiwigridSite
from .portals import HOST_HEMS, HOST_PORTAL, SOLARWATT, Portal

LOCATION_GUID = "location"
"""The site's guid in this generation (the energy flow names no device for the site)."""


class HemsClient:
    """Logs in to a HEMS portal and reads the site; one instance per account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        username: str,
        password: str,
        *,
        portal: Portal = SOLARWATT,
        hosts: Mapping[str, str] | None = None,
        time_source: Callable[[], float] = time.time,
    ) -> None:
        """``portal`` gives the real hosts; ``hosts`` overrides some by name (HOST_AUTH, ...)."""
        self._http = CookieHttp(session)
        self._username = username
        self._password = password
        self.portal = portal.with_hosts(hosts) if hosts else portal
        self._now = time_source
        self._context: PortalContext | None = None
        self._lock = asyncio.Lock()
        self.logins = 0
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"HemsClient(portal={self.portal.key!r})"

    @property
    def user_id(self) -> str | None:
        """The logged-in account's id (from the access token), None before the login."""
        return token_subject(self._context.access_token) if self._context else None

    async def login(self) -> PortalContext:
        """Run the full browser login; raises the three typed login errors."""
        self._context = await keycloak_login(
            self._http, self.portal, self._username, self._password
        )
        self.logins += 1
        return self._context

    async def _token(self, *, force_renew: bool = False) -> str:
        async with self._lock:
            context = self._context
            if context is None:
                context = await self.login()
            elif force_renew or (
                context.expires_at is not None
                and context.expires_at - TOKEN_REFRESH_MARGIN <= self._now()
            ):
                try:
                    context = await refresh_access_token(self._http, self.portal, context)
                    self.refreshes += 1
                    self._context = context
                except KiwigridTokenExpiredError:
                    context = await self.login()
            return context.access_token

    async def _get(self, path: str, query: dict[str, str] | None = None) -> Any:
        url = URL(self.portal.host(HOST_HEMS)).with_path(f"/{self.portal.api_version}/{path}")
        if query:
            url = url.with_query(query)
        answer: HttpAnswer | None = None
        for attempt in range(2):
            headers = {
                "Authorization": f"Bearer {await self._token(force_renew=attempt > 0)}",
                "Accept": "application/json",
                "Origin": self.portal.host(HOST_PORTAL),
            }
            answer = await self._http.request("GET", url, headers=headers)
            if answer.status not in {401, 403}:
                break
        assert answer is not None
        if answer.status in {401, 403}:
            raise KiwigridTokenExpiredError(f"HEMS refused a renewed token on {path}")
        if answer.status != 200:
            raise KiwigridRequestError(
                f"HEMS answered HTTP {answer.status} on {path}", code=answer.status
            )
        return answer.json()

    async def get_site(self) -> KiwigridSite:
        """The live site: power from ``energy-flow``, batteries from ``battery``."""
        flow = parse_energy_flow(await self._get("energy-flow"), location_guid=LOCATION_GUID)
        batteries = parse_batteries(await self._get("battery"))
        with_power = tuple(
            replace(b, power_in=power[0], power_out=power[1])
            if (power := flow.battery_power.get(b.guid))
            else b
            for b in batteries
        )
        return KiwigridSite(
            location=flow.location,
            batteries=with_power,
            inverters=flow.inverters,
            ev_stations=flow.ev_stations,
        )

    async def get_energy_totals(self, start: datetime, end: datetime) -> EnergyTotals:
        """Site ``Work*`` totals (Wh) between two local naive times (at most 7 days apart)."""
        start_text, end_text = (t.strftime("%Y-%m-%dT%H:%M:%S") for t in (start, end))
        body = await self._get(
            "analytics/overview", {"from": start_text, "to": end_text, "type": "WORK"}
        )
        return parse_analytics(body, start=start_text, end=end_text)
