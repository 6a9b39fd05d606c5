"""Generation 1: the kiwibus websocket (SockJS + vert.x event bus, notes §2).

The client offers the pieces a push supervisor needs and nothing of its policy (reconnect,
backoff and the polling fallback live in the shared Home Assistant base): :meth:`connect`,
:meth:`request`, :meth:`get_site`, :meth:`register_device_set_listener`, :meth:`device_sets`
(an async iterator of the site after each push) and :meth:`close`. A closed socket surfaces as
:class:`KiwigridConnectionLostError` from every pending and later call.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
import contextlib
import logging
from typing import Any
import uuid

import aiohttp
from yarl import URL

from .const import (
    BUS_CODE_OK,
    BUS_CODE_TOKEN_EXPIRED,
    BUS_PAGE_SIZE,
    BUS_PING_INTERVAL,
    BUS_REQUEST_TIMEOUT,
    BUS_SERVICE_DEVICES,
)
from .context import PortalContext, token_subject
from .eventbus import (
    PING,
    Envelope,
    Reply,
    parse_device_event,
    parse_device_page,
    parse_envelope,
    parse_reply,
    register_envelope,
    send_envelope,
)
from .exceptions import (
    KiwigridConnectionError,
    KiwigridConnectionLostError,
    KiwigridProtocolError,
    KiwigridRequestError,
    KiwigridTokenExpiredError,
)
from .http import CookieHttp
from .login import legacy_login, refresh_access_token
from .models import KiwigridSite, build_site, parse_device_items
from .portals import HOST_BUS, SOLARWATT_LEGACY, Portal
from .sockjs import CloseFrame, MessageFrame, encode_messages, parse_frame, session_path

_LOGGER = logging.getLogger(__name__)

BUS_PATH = "/kiwibus"
_NO_CONTENT = 204


def _reply_of(envelope: Envelope) -> Reply:
    """A reply envelope's body; vert.x 3 bridges answer refusals as ``type: err``."""
    if envelope.type == "err":
        raise KiwigridRequestError(f"kiwibus refused the message to {envelope.address}")
    return parse_reply(envelope.body)


class KiwibusClient:
    """One account's kiwibus connection; reconnecting means :meth:`close` then :meth:`connect`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        username: str,
        password: str,
        *,
        portal: Portal = SOLARWATT_LEGACY,
        hosts: Mapping[str, str] | None = None,
        ping_interval: float = BUS_PING_INTERVAL,
        request_timeout: float = BUS_REQUEST_TIMEOUT,
    ) -> None:
        """``portal`` gives the real hosts; ``hosts`` overrides some by name (HOST_AUTH, ...).

        ``bus.url`` from context.js wins over the bus host (the portal names its own bus).
        """
        self._session = session
        self._http = CookieHttp(session)
        self._username = username
        self._password = password
        self.portal = portal.with_hosts(hosts) if hosts else portal
        self._ping_interval = ping_interval
        self._request_timeout = request_timeout
        self._context: PortalContext | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self._pushes: asyncio.Queue[KiwigridSite | Exception] = asyncio.Queue()
        self._listener_address: str | None = None
        self._devices: dict[str, dict[str, Any]] = {}
        self._lost: KiwigridConnectionLostError | None = None
        self._token_lock = asyncio.Lock()
        self.logins = 0
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"KiwibusClient(portal={self.portal.key!r}, connected={self.connected})"

    @property
    def connected(self) -> bool:
        """Whether the socket is open."""
        return self._ws is not None and not self._ws.closed and self._lost is None

    @property
    def user_id(self) -> str | None:
        """The logged-in account's id (from the access token), None before the login."""
        return token_subject(self._context.access_token) if self._context else None

    async def login(self) -> PortalContext:
        """The seed's four-step login; raises the three typed login errors."""
        self._context = await legacy_login(self._http, self.portal, self._username, self._password)
        self.logins += 1
        return self._context

    async def _renew_token(self, stale: str) -> None:
        async with self._token_lock:
            if self._context is None or self._context.access_token != stale:
                return  # another request renewed it meanwhile
            try:
                self._context = await refresh_access_token(self._http, self.portal, self._context)
                self.refreshes += 1
            except KiwigridTokenExpiredError:
                await self.login()

    def _bus_url(self) -> URL:
        assert self._context is not None
        base = URL(self._context.bus_url or self.portal.host(HOST_BUS) + BUS_PATH)
        scheme = {"http": "ws", "https": "wss"}.get(base.scheme, base.scheme)
        return base.with_scheme(scheme).with_path(session_path(base.path or BUS_PATH))

    async def connect(self) -> None:
        """Log in when needed, open the socket, wait for SockJS ``o``, start pinging.

        An open socket is closed first, so a reconnect never leaves two sockets behind.
        """
        if self._ws is not None or self._tasks:
            await self.close()
        if self._context is None:
            await self.login()
        try:
            ws = await self._session.ws_connect(self._bus_url(), heartbeat=None)
        except (aiohttp.ClientError, TimeoutError) as err:
            raise KiwigridConnectionError(f"kiwibus: {type(err).__name__}") from err
        try:
            first = await asyncio.wait_for(ws.receive(), self._request_timeout)
        except TimeoutError as err:
            await ws.close()
            raise KiwigridConnectionError("kiwibus: no SockJS open frame") from err
        opened = first.type == aiohttp.WSMsgType.TEXT and first.data == "o"
        if not opened:
            await ws.close()
            raise KiwigridProtocolError("kiwibus did not open the SockJS session")
        self._ws, self._lost = ws, None
        self._pushes = asyncio.Queue()  # nothing of the previous connection leaks into this one
        self._devices.clear()
        self._listener_address = None
        await self._send(PING)
        self._tasks = [
            asyncio.create_task(self._read_loop(ws), name="kiwibus-reader"),
            asyncio.create_task(self._ping_loop(), name="kiwibus-ping"),
        ]

    async def close(self) -> None:
        """Close the socket and stop the tasks (safe to call twice)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        self._fail_all(KiwigridConnectionLostError("the client closed the connection"))

    async def _send(self, *messages: Mapping[str, Any]) -> None:
        if self._lost is not None:
            raise self._lost
        if self._ws is None or self._ws.closed:
            raise KiwigridConnectionLostError("kiwibus is not connected")
        try:
            await self._ws.send_str(encode_messages(*messages))
        except (aiohttp.ClientError, ConnectionError) as err:
            raise KiwigridConnectionLostError(f"kiwibus: {type(err).__name__}") from err

    async def _ping_loop(self) -> None:
        # The bridge closes a socket that stops pinging; 5 s is vert.x's client default.
        while True:
            await asyncio.sleep(self._ping_interval)
            try:
                await self._send(PING)
            except KiwigridConnectionLostError:
                return

    async def _read_loop(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        reason = "kiwibus closed the connection"
        try:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                frame = parse_frame(message.data)
                if isinstance(frame, CloseFrame):
                    reason = f"kiwibus closed the session: {frame.code} {frame.reason}"
                    break
                if isinstance(frame, MessageFrame):
                    for text in frame.messages:
                        self._dispatch(text)
        except KiwigridProtocolError as err:
            reason = f"kiwibus sent a broken frame: {err}"
        except (aiohttp.ClientError, ConnectionError) as err:
            reason = f"kiwibus: {type(err).__name__}"
        self._fail_all(KiwigridConnectionLostError(reason))
        await ws.close()

    def _fail_all(self, error: KiwigridConnectionLostError) -> None:
        if self._lost is None:
            self._lost = error
            self._pushes.put_nowait(error)
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)

    def _dispatch(self, text: str) -> None:
        try:
            envelope = parse_envelope(text)
        except KiwigridProtocolError as err:
            # One bad message must not cost the connection; it is logged, the rest flows.
            _LOGGER.warning("Ignoring a kiwibus message: %s", err)
            return
        future = self._pending.pop(envelope.address, None)
        if future is not None:
            if not future.done():
                try:
                    future.set_result(_reply_of(envelope))
                except (KiwigridProtocolError, KiwigridRequestError) as err:
                    future.set_exception(err)  # the waiting request fails now, not at timeout
        elif envelope.address == self._listener_address:
            try:
                self._apply_event(envelope.body)
            except KiwigridProtocolError as err:
                _LOGGER.warning("Ignoring a pushed device event: %s", err)

    def _apply_event(self, body: object) -> None:
        event = parse_device_event(body)
        if event.type == "DELETED":
            self._devices.pop(event.guid, None)
        else:
            known = self._devices.setdefault(event.guid, {"guid": event.guid})
            for key, value in event.raw.items():
                if key == "tagValues" and isinstance(value, Mapping):
                    known.setdefault("tagValues", {}).update(value)
                else:
                    known[key] = value
        self._pushes.put_nowait(self._site())

    def _site(self) -> KiwigridSite:
        return build_site(parse_device_items(list(self._devices.values())))

    async def request(self, address: str, body: Mapping[str, Any]) -> Reply:
        """``send`` with a unique reply address and the token in the body; 419 -> renew, once."""
        for attempt in range(2):
            if self._context is None:
                raise KiwigridConnectionLostError("kiwibus is not connected")
            token = self._context.access_token
            reply_address = str(uuid.uuid4())
            future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
            self._pending[reply_address] = future
            try:
                await self._send(
                    send_envelope(address, {**body, "accessToken": token}, reply_address)
                )
                reply = await asyncio.wait_for(future, self._request_timeout)
            except TimeoutError as err:
                raise KiwigridConnectionError(f"kiwibus: no reply from {address}") from err
            finally:
                self._pending.pop(reply_address, None)
            if reply.code == BUS_CODE_TOKEN_EXPIRED and attempt == 0:
                await self._renew_token(token)
                continue
            if reply.code == BUS_CODE_TOKEN_EXPIRED:
                raise KiwigridTokenExpiredError("kiwibus refused a renewed token")
            if reply.code not in {BUS_CODE_OK, _NO_CONTENT}:
                raise KiwigridRequestError(
                    f"{address} answered {reply.code} {reply.message or ''}".strip(),
                    code=reply.code,
                )
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_devices(
        self,
        filter_: Mapping[str, Any] | None = None,
        projection: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every raw device matching ``filter_``, page by page (the bus returns 50 at most)."""
        items: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"offset": len(items), "limit": BUS_PAGE_SIZE}
            if filter_ is not None:
                params["filter"] = dict(filter_)
            if projection is not None:
                params["projection"] = dict(projection)
            reply = await self.request(
                BUS_SERVICE_DEVICES, {"action": "getDevices", "params": params}
            )
            page = parse_device_page(reply.result)
            items.extend(page.items)
            if not page.items or len(items) >= page.total:
                return items

    async def get_site(self) -> KiwigridSite:
        """Every visible device, classified (also the base that pushes are merged into)."""
        items = await self.get_devices()
        self._devices = {str(item.get("guid")): item for item in items}
        return self._site()

    async def register_device_set_listener(self, filter_: Mapping[str, Any] | None = None) -> bool:
        """Ask for pushes; False when the server refuses (the caller then polls get_site)."""
        address = f"CLIENT_{uuid.uuid4()}"
        await self._send(register_envelope(address))
        self._listener_address = address
        listener = {"filter": dict(filter_ or {}), "replyAddress": address}
        try:
            await self.request(
                BUS_SERVICE_DEVICES, {"action": "registerDeviceSetListener", "body": listener}
            )
        except KiwigridRequestError:
            self._listener_address = None
            return False
        return True

    async def device_sets(self) -> AsyncIterator[KiwigridSite]:
        """The site after each pushed change; ends with KiwigridConnectionLostError."""
        while True:
            item = await self._pushes.get()
            if isinstance(item, Exception):
                raise item
            yield item
