"""The simulator server: each vendor host on its own loopback origin, plus a control API.

A real vendor serves its API, login and token hosts at origins of their own, so absolute
redirects, cookie scoping and websockets only behave as they do for real when every host of the
fake has its own port too. Layout (``root`` is ``http://127.0.0.1:<port>``):

* ``<root>/_sim``: the control API (JSON): ``GET /_sim`` lists each vendor's main base URL
  (``vendors``) and every host (``hosts``), ``GET|POST|DELETE /_sim/<vendor>/faults`` reads,
  sets or clears faults, ``POST /_sim/<vendor>/drop_websockets`` cuts open websockets,
  ``POST /_sim/clock/advance`` moves the simulated clock, ``POST /_sim/reset`` restores every
  scenario, and each vendor adds its own routes under ``/_sim/<vendor>/``.
* one origin per vendor host, with the same paths as the real host; the vendor's first host is
  its main base URL (what the config flow's base-URL field takes).

With a fixed ``port``, the hosts take the ports after it in a fixed order, so the demo's URLs
stay the same from run to run; with port 0 every origin gets a free port.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
from typing import Any, ClassVar, Protocol

from aiohttp import web

from .clock import SimClock
from .derapi import DerapiCloud
from .electra import ElectraCloud
from .faults import Faults
from .kiwigrid import KiwigridCloud
from .sew import SewCloud


class VendorCloud(Protocol):
    """What a vendor fake provides to the server."""

    key: ClassVar[str]
    hosts: ClassVar[tuple[str, ...]]
    """Names of the vendor's hosts (e.g. ``("api", "auth")``); the first is the main one."""

    def setup_routes(self, host: str, app: web.Application) -> None:
        """Add one host's routes (paths as on the real host)."""

    def setup_control_routes(self, app: web.Application) -> None:
        """Add test/demo controls, served under ``/_sim/<key>/``."""

    def set_host_urls(self, urls: dict[str, str]) -> None:
        """Learn where every host of this vendor is served (for redirects and links)."""

    def reset(self) -> None:
        """Back to the scenario's initial state."""


def _vendor_clouds(clock: SimClock) -> list[VendorCloud]:
    """One instance of every vendor fake; a new vendor is added here."""
    return [ElectraCloud(clock), KiwigridCloud(clock), SewCloud(clock), DerapiCloud(clock)]


class Simulator:
    """All vendor clouds on loopback, started and stopped in-process."""

    def __init__(
        self, clock: SimClock | None = None, scenarios: Mapping[str, str] | None = None
    ) -> None:
        """``scenarios``: a named scenario per vendor key, for vendors that offer several."""
        self.clock = clock or SimClock()
        self._clouds = {cloud.key: cloud for cloud in _vendor_clouds(self.clock)}
        for key, name in (scenarios or {}).items():
            use_scenario = getattr(self._clouds.get(key), "use_scenario", None)
            if use_scenario is None:
                raise ValueError(f"{key!r} has no named scenarios")
            use_scenario(name)
        self._faults = {key: Faults() for key in self._clouds}
        for key, cloud in self._clouds.items():
            # Websocket vendors register their sockets' closers with their own Faults.
            attach = getattr(cloud, "attach_faults", None)
            if attach is not None:
                attach(self._faults[key])
        self._runners: list[web.AppRunner] = []
        self._host_urls: dict[str, dict[str, str]] = {}
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
        """Return what a client uses instead of the vendor's real (main) base URL."""
        return self.host_url(key, self._clouds[key].hosts[0])

    def host_url(self, key: str, host: str) -> str:
        """Return the origin serving one named host of a vendor."""
        return self._host_urls[key][host]

    def host_urls(self, key: str) -> dict[str, str]:
        """Return every host of a vendor with its origin."""
        return dict(self._host_urls[key])

    def build_control_app(self) -> web.Application:
        """Build the control API (served under ``/_sim`` of the root origin)."""
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
        app = web.Application()
        app.add_subapp("/_sim", control)
        return app

    def build_host_app(self, key: str, host: str) -> web.Application:
        """Build the application of one vendor host, behind the vendor's faults."""
        app = web.Application(middlewares=[self._faults[key].middleware])
        self._clouds[key].setup_routes(host, app)
        return app

    async def _serve(self, app: web.Application, host: str, port: int) -> str:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, host, port).start()
        return f"http://{host}:{runner.addresses[0][1]}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the control API on ``host:port`` and each vendor host after it; returns root."""
        try:
            self.url = await self._serve(self.build_control_app(), host, port)
            offset = 0
            for key, cloud in self._clouds.items():
                urls: dict[str, str] = {}
                for name in cloud.hosts:
                    offset += 1
                    app = self.build_host_app(key, name)
                    urls[name] = await self._serve(app, host, port + offset if port else 0)
                self._host_urls[key] = urls
                cloud.set_host_urls(urls)
        except BaseException:
            await self.stop()
            raise
        return self.url

    async def stop(self) -> None:
        """Close every connection and listening socket."""
        for faults in self._faults.values():
            await faults.drop_websockets()
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()

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
                "hosts": self._host_urls,
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
