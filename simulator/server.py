"""The simulator server: every vendor cloud behind one loopback port, plus a control API.

Layout of the URL space (``root`` is ``http://127.0.0.1:<port>``):

* ``<root>/<vendor>/...``: the vendor cloud, with the same paths as the real service below its
  base URL (so ``<root>/<vendor>`` is what goes into the config flow's advanced base-URL field).
* ``<root>/_sim``: the control API (JSON): ``GET /_sim`` lists the base URLs,
  ``GET|POST|DELETE /_sim/<vendor>/faults`` reads, sets or clears faults,
  ``POST /_sim/<vendor>/drop_websockets`` cuts open websockets, ``POST /_sim/clock/advance``
  moves the simulated clock, and each vendor adds its own routes under ``/_sim/<vendor>/``.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Protocol

from aiohttp import web

from .clock import SimClock
from .electra import ElectraCloud
from .faults import Faults


class VendorCloud(Protocol):
    """What a vendor fake provides to the server."""

    key: ClassVar[str]

    def setup_routes(self, app: web.Application) -> None:
        """Add the cloud's own routes (paths as below the real base URL)."""

    def setup_control_routes(self, app: web.Application) -> None:
        """Add test/demo controls, served under ``/_sim/<key>/``."""

    def reset(self) -> None:
        """Back to the scenario's initial state."""


def _vendor_clouds(clock: SimClock, faults: dict[str, Faults]) -> list[VendorCloud]:
    """One instance of every vendor fake; a new vendor is added here."""
    clouds: list[VendorCloud] = [ElectraCloud(clock)]
    for cloud in clouds:
        faults[cloud.key] = Faults()
    return clouds


class Simulator:
    """All vendor clouds on one port, started and stopped in-process."""

    def __init__(self, clock: SimClock | None = None) -> None:
        self.clock = clock or SimClock()
        self._faults: dict[str, Faults] = {}
        self._clouds = {cloud.key: cloud for cloud in _vendor_clouds(self.clock, self._faults)}
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def vendors(self) -> list[str]:
        """Keys of the vendor clouds served."""
        return list(self._clouds)

    def cloud(self, key: str) -> Any:
        """Return the fake of one vendor (typed by the caller, e.g. ``ElectraCloud``)."""
        return self._clouds[key]

    def faults(self, key: str) -> Faults:
        """Return the fault settings of one vendor."""
        return self._faults[key]

    def base_url(self, key: str) -> str:
        """Return what a client uses instead of the vendor's real base URL."""
        if key not in self._clouds:
            raise KeyError(key)
        return f"{self.url}/{key}"

    def build_app(self) -> web.Application:
        """Build the aiohttp application serving every vendor and the control API."""
        app = web.Application()
        for key, cloud in self._clouds.items():
            vendor_app = web.Application(middlewares=[self._faults[key].middleware])
            cloud.setup_routes(vendor_app)
            app.add_subapp(f"/{key}", vendor_app)
        control = web.Application()
        control.router.add_get("", self._handle_index)
        control.router.add_post("/clock/advance", self._handle_advance)
        control.router.add_post("/reset", self._handle_reset)
        for key, cloud in self._clouds.items():
            control.router.add_get(f"/{key}/faults", self._handle_faults)
            control.router.add_post(f"/{key}/faults", self._handle_faults)
            control.router.add_delete(f"/{key}/faults", self._handle_faults)
            control.router.add_post(f"/{key}/drop_websockets", self._handle_drop)
            vendor_control = web.Application()
            cloud.setup_control_routes(vendor_control)
            control.add_subapp(f"/{key}/", vendor_control)
        app.add_subapp("/_sim", control)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 picks a free port); returns the root URL."""
        self._runner = web.AppRunner(self.build_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound_port}"
        return self.url

    async def stop(self) -> None:
        """Close every connection and the listening socket."""
        for faults in self._faults.values():
            await faults.drop_websockets()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def reset(self) -> None:
        """Clear faults and put every cloud back to its initial scenario."""
        for faults in self._faults.values():
            faults.clear()
        for cloud in self._clouds.values():
            cloud.reset()

    def _vendor_of(self, request: web.Request) -> str:
        return request.path.removeprefix("/_sim/").split("/", 1)[0]

    async def _handle_index(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "vendors": {key: self.base_url(key) for key in self._clouds},
                "clock": {"monotonic": self.clock.monotonic(), "time": self.clock.time()},
            }
        )

    async def _handle_advance(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
            seconds = float(body["seconds"])
        except (KeyError, TypeError, ValueError) as err:
            raise web.HTTPBadRequest(text=f"expected {{'seconds': <number >= 0>}}: {err}") from err
        if not math.isfinite(seconds) or seconds < 0:
            raise web.HTTPBadRequest(text="expected {'seconds': <number >= 0>}")
        self.clock.advance(seconds)
        return web.json_response({"time": self.clock.time()})

    async def _handle_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"reset": True})

    async def _handle_faults(self, request: web.Request) -> web.Response:
        faults = self._faults[self._vendor_of(request)]
        if request.method == "POST":
            try:
                faults.update(await request.json())
            except (TypeError, ValueError) as err:
                raise web.HTTPBadRequest(text=str(err)) from err
        elif request.method == "DELETE":
            faults.clear()
        return web.json_response(faults.as_dict())

    async def _handle_drop(self, request: web.Request) -> web.Response:
        dropped = await self._faults[self._vendor_of(request)].drop_websockets()
        return web.json_response({"dropped": dropped})
