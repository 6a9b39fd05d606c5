"""Fault injection: each vendor's routes pass through one :class:`Faults` instance."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import math
from typing import Any

from aiohttp import web

MALFORMED_BODY = '{"status": 0, "data": {'  # cut mid-object, as a dropped proxy buffer would


@dataclass
class Faults:
    """What goes wrong with the next requests to one vendor.

    Counters are consumed one per request, in this order: disconnect, HTTP error, malformed body.
    Latency applies to every request until cleared.
    """

    latency: float = 0.0
    http_error_status: int = 503
    http_errors: int = 0
    malformed: int = 0
    disconnects: int = 0
    requests: int = 0
    # Websocket vendors register a closer per open socket so `drop_websockets` can cut them.
    websocket_closers: set[Callable[[], Awaitable[Any]]] = field(default_factory=set)

    def clear(self) -> None:
        """Back to a healthy cloud (the request counter is kept)."""
        self.latency = 0.0
        self.http_error_status = 503
        self.http_errors = self.malformed = self.disconnects = 0

    def update(self, spec: object) -> None:
        """Apply a control-API request body; unknown keys or bad values are refused.

        Everything is checked before anything changes, so a refused request leaves the faults
        as they were.
        """
        if not isinstance(spec, dict):
            raise TypeError("expected a JSON object of fault settings")
        allowed = {"latency", "http_error_status", "http_errors", "malformed", "disconnects"}
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        for key, value in spec.items():
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"{key} must be a number >= 0")
            if key != "latency" and value != int(value):
                raise ValueError(f"{key} must be a whole number")
        status = int(spec.get("http_error_status", self.http_error_status))
        if not 400 <= status <= 599:
            raise ValueError("http_error_status must be an HTTP error status (400-599)")
        self.latency = float(spec.get("latency", self.latency))
        self.http_error_status = status
        self.http_errors = int(spec.get("http_errors", self.http_errors))
        self.malformed = int(spec.get("malformed", self.malformed))
        self.disconnects = int(spec.get("disconnects", self.disconnects))

    def as_dict(self) -> dict[str, Any]:
        """Return the current settings, as the control API reports them."""
        return {
            "latency": self.latency,
            "http_error_status": self.http_error_status,
            "http_errors": self.http_errors,
            "malformed": self.malformed,
            "disconnects": self.disconnects,
            "requests": self.requests,
            "open_websockets": len(self.websocket_closers),
        }

    async def drop_websockets(self) -> int:
        """Close every open websocket of this vendor; returns how many were closed."""
        closers = list(self.websocket_closers)
        self.websocket_closers.clear()
        for close in closers:
            await close()
        return len(closers)

    @web.middleware
    async def middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Apply the pending faults to one request (aiohttp middleware)."""
        self.requests += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.disconnects:
            self.disconnects -= 1
            if request.transport is not None:
                request.transport.close()
            raise web.HTTPServiceUnavailable  # never reaches the client: the socket is gone
        if self.http_errors:
            self.http_errors -= 1
            return web.Response(status=self.http_error_status, text="simulated failure")
        if self.malformed:
            self.malformed -= 1
            return web.Response(text=MALFORMED_BODY, content_type="application/json")
        return await handler(request)
