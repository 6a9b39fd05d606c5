"""Solarwatt / Kiwigrid coordinators: REST and local polling, and the kiwibus push.

Every source delivers the same :class:`KiwigridSite`; the coordinators publish it as
:class:`KiwigridData`, the site plus its devices by device unique id, and report each full
device list to the shared device lifecycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from ..api.exceptions import ApiAuthError, ApiError
from ..api.kiwigrid import (
    HemsClient,
    KiwibusClient,
    KiwigridDevice,
    KiwigridSite,
    LocalEnergyManagerClient,
)
from ..const import LOGGER
from ..coordinator import HomeEnergyCloudCoordinator, HomeEnergyCloudPushCoordinator
from ..devices import DeviceLifecycle
from ..vendor_spec import VendorRuntime
from .const import (
    BUS_POLL_INTERVAL,
    ENERGY_TOTALS_INTERVAL,
    HEMS_INTERVAL,
    LOCAL_INTERVAL,
    VENDOR_KEY,
)
from .energy import EnergyAccumulator, site_now


@dataclass(frozen=True)
class KiwigridData:
    """The site as last read, and each of its devices by device unique id."""

    site: KiwigridSite
    devices: Mapping[str, KiwigridDevice]


def device_unique_id(scope: str, guid: str) -> str:
    """A device's registry id: guids are per site, so the entry's account or serial scopes them.

    The same site added twice (say over the cloud and locally) then has separate devices
    rather than two entries fighting over the same entities.
    """
    return f"{VENDOR_KEY}_{scope}_{guid}"


def entry_scope(entry: ConfigEntry[Any]) -> str:
    """What scopes an entry's device ids: its unique id without the vendor prefix."""
    return (entry.unique_id or entry.entry_id).removeprefix(f"{VENDOR_KEY}:")


class _SitePublisher:
    """What every Kiwigrid coordinator does with a site it read."""

    def __init__(self, entry: ConfigEntry[Any], lifecycle: DeviceLifecycle) -> None:
        self.scope = entry_scope(entry)
        self.lifecycle = lifecycle

    def data(self, site: KiwigridSite, *, full_list: bool) -> KiwigridData:
        devices = {device_unique_id(self.scope, device.guid): device for device in site.devices}
        if full_list:
            self.lifecycle.async_report_list(devices)
        return KiwigridData(site=site, devices=devices)


class KiwigridLocalCoordinator(HomeEnergyCloudCoordinator[KiwigridData]):
    """An Energy Manager on the local network, read every 10 s."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: KiwigridConfigEntry,
        client: LocalEnergyManagerClient,
        lifecycle: DeviceLifecycle,
    ) -> None:
        """Poll the manager's device list."""
        super().__init__(
            hass, entry, name="Solarwatt Energy Manager", update_interval=LOCAL_INTERVAL
        )
        self.client = client
        self._publisher = _SitePublisher(entry, lifecycle)

    async def _async_fetch(self) -> KiwigridData:
        return self._publisher.data(await self.client.get_site(), full_list=True)


class KiwigridHemsCoordinator(HomeEnergyCloudCoordinator[KiwigridData]):
    """The current Solarwatt cloud: energy flow every 15 s, energy totals every 5 minutes.

    The site's ``Work*`` counters come from the persistent accumulator (the cloud has only
    period totals); a failed totals read keeps the last counters and does not fail the update.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: KiwigridConfigEntry,
        client: HemsClient,
        lifecycle: DeviceLifecycle,
        accumulator: EnergyAccumulator,
    ) -> None:
        """Poll the REST API."""
        super().__init__(hass, entry, name="Solarwatt", update_interval=HEMS_INTERVAL)
        self.client = client
        self.accumulator = accumulator
        self._publisher = _SitePublisher(entry, lifecycle)
        self._counters: dict[str, float] | None = None

    async def _async_fetch(self) -> KiwigridData:
        site = await self.client.get_site()
        now = site_now()
        if self._counters is None or self.accumulator.due(now, ENERGY_TOTALS_INTERVAL):
            try:
                self._counters = await self.accumulator.async_update(
                    self.client.get_energy_totals, now
                )
            except ApiAuthError:
                raise
            except ApiError as err:
                if self._counters is None:
                    raise  # no counters to show yet: the update fails (setup retries)
                LOGGER.debug("Solarwatt energy totals failed, keeping the counters: %s", err)
        if site.location is not None:
            counters = self._counters
            site = replace(
                site,
                location=replace(
                    site.location,
                    work_produced=counters.get("WorkProduced"),
                    work_in=counters.get("WorkIn"),
                    work_out=counters.get("WorkOut"),
                    work_consumed=counters.get("WorkConsumed"),
                    work_buffered=counters.get("WorkBuffered"),
                    work_released=counters.get("WorkReleased"),
                ),
            )
        return self._publisher.data(site, full_list=True)


class KiwibusCoordinator(HomeEnergyCloudPushCoordinator[KiwigridData]):
    """The legacy cloud: device sets pushed over the kiwibus websocket.

    The supervisor (shared base) keeps one socket open through :meth:`_async_listen`; polls
    read ``getDevices`` over that same socket, so they carry the data when the bus refuses
    the device-set listener and whenever pushes stop. A poll never opens a socket of its own
    once the supervisor runs (two sockets per account is what the reconnect rules forbid).
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: KiwigridConfigEntry,
        client: KiwibusClient,
        lifecycle: DeviceLifecycle,
    ) -> None:
        """Push with a 15 s poll as the fallback."""
        super().__init__(hass, entry, name="Solarwatt (legacy)", poll_interval=BUS_POLL_INTERVAL)
        self.client = client
        self._publisher = _SitePublisher(entry, lifecycle)
        self.listening = False
        """Whether the bus accepted the device-set listener on the current socket."""
        self._supervised = False

    @callback
    def async_start_push(self) -> None:
        """Hand the socket to the supervisor: from now on only it connects."""
        self._supervised = True
        super().async_start_push()

    async def _async_close_connection(self) -> None:
        await self.client.close()

    async def _async_fetch(self) -> KiwigridData:
        if not self.client.connected and not self._supervised:
            await self.client.connect()  # the first refresh, before the supervisor starts
        return self._publisher.data(await self.client.get_site(), full_list=True)

    async def _async_listen(self) -> None:
        if not self.client.connected:
            await self.client.connect()
        try:
            self.async_push(self._publisher.data(await self.client.get_site(), full_list=True))
            self.listening = await self.client.register_device_set_listener()
            # Without a listener no set arrives; the iterator still ends when the socket does,
            # and the polls read over this socket meanwhile.
            async for site in self.client.device_sets():
                self.async_push(self._publisher.data(site, full_list=False))
        finally:
            self.listening = False


@dataclass(kw_only=True)
class KiwigridRuntime(VendorRuntime):
    """``entry.runtime_data`` of a Solarwatt / Kiwigrid entry."""

    client: HemsClient | KiwibusClient | LocalEnergyManagerClient
    coordinator: KiwigridLocalCoordinator | KiwigridHemsCoordinator | KiwibusCoordinator
    accumulator: EnergyAccumulator | None = None


type KiwigridConfigEntry = ConfigEntry[KiwigridRuntime]
