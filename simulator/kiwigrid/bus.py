"""The kiwibus websocket: SockJS framing around a vert.x 2 event-bus bridge (notes §2.2-§2.7).

``GET /kiwibus/<server>/<session>/websocket``: the server sends ``o``, then answers ``a[...]``
frames. Envelopes: ``ping`` (keeps the socket; none for ``ping_timeout`` simulated seconds and
the bridge closes it with ``c[3000,"Go away!"]``), ``register``/``unregister`` (client handler
addresses) and ``send`` to ``deviceservice`` with the token in ``body.accessToken``: 419 when
it expired, 401 when unknown. ``getDevices`` filters (``guid``, ``deviceModel.deviceClass``,
``tagValues.<Tag>.value``), projects and pages (at most ``page_limit`` items per reply);
``registerDeviceSetListener`` needs its ``replyAddress`` registered first. Replies are vert.x 2
messages: ``{"address": <replyAddress>, "body": {...}}`` (no ``type``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import contextlib
from dataclasses import dataclass, field
import json
from typing import Any

from aiohttp import WSMsgType, web

from .state import KiwigridState

WATCHDOG_PERIOD = 0.05  # real seconds between ping-timeout checks (the timeout is simulated)
BUS_PATH = "/kiwibus/{server}/{session}/websocket"


def _matches(item: Mapping[str, Any], filter_: Mapping[str, Any]) -> bool:
    for key, expected in filter_.items():
        if key == "guid":
            ok = item["guid"] == expected
        elif key == "deviceModel.deviceClass":
            ok = any(m["deviceClass"] == expected for m in item["deviceModel"])
        elif key.startswith("tagValues.") and key.endswith(".value"):
            tag = item["tagValues"].get(key.removeprefix("tagValues.").removesuffix(".value"))
            ok = tag is not None and tag["value"] == expected
        else:
            ok = False  # an unknown field matches nothing, as a Mongo-style filter would
        if not ok:
            return False
    return True


def _project(item: dict[str, Any], projection: Mapping[str, Any]) -> dict[str, Any]:
    if not projection:
        return item
    kept: dict[str, Any] = {}
    for key, rule in projection.items():
        if key not in item:
            continue
        if key == "tagValues" and isinstance(rule, Mapping):
            kept[key] = {t: v for t, v in item[key].items() if rule.get(t)}
        elif rule:
            kept[key] = item[key]
    return kept


def _reply(code: int, message: str, result: Any = None) -> dict[str, Any]:
    return {
        "status": "ok" if code < 400 else "error",
        "code": code,
        "message": message,
        "result": result,
    }


@dataclass(eq=False)
class BusConnection:
    """One open socket: its registered addresses and listeners."""

    ws: web.WebSocketResponse
    last_ping: float
    addresses: set[str] = field(default_factory=set)
    listeners: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    async def send_messages(self, *messages: Mapping[str, Any]) -> None:
        """One ``a[...]`` frame."""
        await self.ws.send_str("a" + json.dumps([json.dumps(m) for m in messages]))

    async def close(self, code: int, reason: str) -> None:
        """A SockJS close frame, then the websocket close."""
        if not self.ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_str("c" + json.dumps([code, reason]))
            await self.ws.close()


class BusServer:
    """Every open kiwibus socket of the fake."""

    def __init__(
        self,
        state: Callable[[], KiwigridState],
        closers: Callable[[], set[Callable[[], Awaitable[Any]]]],
    ) -> None:
        """``state``/``closers`` are read per call: a reset swaps the state."""
        self._state = state
        self._closers = closers
        self.connections: set[BusConnection] = set()

    def setup(self, app: web.Application) -> None:
        """The SockJS websocket route."""
        app.router.add_get(BUS_PATH, self._handle)

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        state = self._state()
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        state.stats.websockets_opened += 1
        conn = BusConnection(ws, state.clock.monotonic())

        async def closer() -> None:
            await conn.close(3000, "Go away!")

        self.connections.add(conn)
        closers = self._closers()
        closers.add(closer)
        watchdog = asyncio.create_task(self._watchdog(conn, state))
        try:
            await ws.send_str("o")
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    break
                if not await self._frame(conn, state, message.data):
                    await conn.close(1002, "Broken framing.")
                    break
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            self.connections.discard(conn)
            closers.discard(closer)
        return ws

    async def _watchdog(self, conn: BusConnection, state: KiwigridState) -> None:
        while not conn.ws.closed:
            if state.clock.monotonic() - conn.last_ping > state.bus.ping_timeout:
                await conn.close(3000, "Go away!")
                return
            await asyncio.sleep(WATCHDOG_PERIOD)

    async def _frame(self, conn: BusConnection, state: KiwigridState, data: str) -> bool:
        try:
            texts = json.loads(data)
            if not isinstance(texts, list):
                return False
            envelopes = [json.loads(text) for text in texts]
        except (TypeError, ValueError):
            return False
        for envelope in envelopes:
            if not isinstance(envelope, dict):
                return False
            await self._envelope(conn, state, envelope)
        return True

    async def _envelope(
        self, conn: BusConnection, state: KiwigridState, envelope: dict[str, Any]
    ) -> None:
        kind, address = envelope.get("type"), envelope.get("address")
        if kind == "ping":
            conn.last_ping = state.clock.monotonic()
            state.stats.pings += 1
        elif kind == "register" and isinstance(address, str):
            conn.addresses.add(address)
        elif kind == "unregister" and isinstance(address, str):
            conn.addresses.discard(address)
            conn.listeners.pop(address, None)
        elif kind == "send" and isinstance(envelope.get("replyAddress"), str):
            body = envelope.get("body")
            reply = self._service(conn, state, address, body if isinstance(body, dict) else {})
            if state.bus.broken_replies:
                state.bus.broken_replies -= 1
                reply = {"status": "ok", "result": reply.get("result")}
            await conn.send_messages({"address": envelope["replyAddress"], "body": reply})

    def _service(
        self, conn: BusConnection, state: KiwigridState, address: object, body: dict[str, Any]
    ) -> dict[str, Any]:
        action = body.get("action")
        state.stats.count(state.stats.bus_messages, str(action))
        if address != "deviceservice":
            return _reply(404, f"no handler for {address}")
        token = state.auth.token_state(body.get("accessToken"))
        if token == "expired":
            return _reply(419, "Authentication Timeout")
        if token == "unknown":
            return _reply(401, "Unauthorized")
        if action == "getDevices":
            params = body.get("params") or {}
            return self._get_devices(state, params if isinstance(params, dict) else {})
        if action == "registerDeviceSetListener" and state.bus.listeners_supported:
            listener = body.get("body") or {}
            target = listener.get("replyAddress") if isinstance(listener, dict) else None
            if target not in conn.addresses:
                return _reply(400, "replyAddress is not registered")
            filter_ = listener.get("filter") or {}
            conn.listeners[str(target)] = filter_ if isinstance(filter_, dict) else {}
            return _reply(200, "ok")
        return _reply(404, f"unknown action {action}")

    def _get_devices(self, state: KiwigridState, params: dict[str, Any]) -> dict[str, Any]:
        filter_, projection = params.get("filter") or {}, params.get("projection") or {}
        offset, limit = params.get("offset", 0), params.get("limit", state.bus.page_limit)
        if not (
            isinstance(filter_, dict)
            and isinstance(projection, dict)
            and isinstance(offset, int)
            and isinstance(limit, int)
            and offset >= 0
            and limit > 0
        ):
            return _reply(400, "bad params")
        limit = min(limit, state.bus.page_limit)
        matching = [item for item in state.site.items() if _matches(item, filter_)]
        page = [_project(item, projection) for item in matching[offset : offset + limit]]
        return _reply(
            200, "ok", {"offset": offset, "limit": limit, "total": len(matching), "items": page}
        )

    async def push_updates(self) -> int:
        """Send an UPDATED event per matching device to every listener; returns how many."""
        state = self._state()
        sent = 0
        items = state.site.items()
        for conn in list(self.connections):
            for address, filter_ in list(conn.listeners.items()):
                for item in items:
                    if not _matches(item, filter_):
                        continue
                    # Pushed values are partial and name the device only in their tags.
                    event = {"type": "UPDATED", "value": {"tagValues": item["tagValues"]}}
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await conn.send_messages({"address": address, "body": event})
                        sent += 1
        return sent
