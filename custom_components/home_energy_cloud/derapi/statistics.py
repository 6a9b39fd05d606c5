"""Hourly interval energy imported into long-term statistics, the way core's opower does.

Derapi's interval data arrives late and per closed hour; written as external statistics it
lands in the hour it belongs to, survives Home Assistant being down, and gives the Energy
dashboard its solar and battery sources. Each site has up to three statistics
(``home_energy_cloud:derapi_<site>_{solar_production|battery_charged|battery_discharged}``).
Every import starts after the last hour already stored and continues its sum, so repeating an
import (a refresh, a restart) adds nothing twice; a new statistic is backfilled 30 days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
import re
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..api.derapi import BatteryInterval, DerapiAuthError, DerapiClient, DerapiError, SolarInterval
from ..const import DOMAIN, LOGGER
from ..coordinator import HomeEnergyCloudCoordinator
from .const import BACKFILL, INTERVALS_INTERVAL, VENDOR_KEY
from .coordinator import DerapiTopologyCoordinator

if TYPE_CHECKING:
    from .runtime import DerapiConfigEntry

HOUR = timedelta(hours=1)
SOLAR_PRODUCTION = "solar_production"
BATTERY_CHARGED = "battery_charged"
BATTERY_DISCHARGED = "battery_discharged"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def statistic_id(site_id: str, kind: str) -> str:
    """The external statistic of one site's energy of one kind."""
    slug = _NOT_SLUG.sub("_", site_id.lower()).strip("_")
    return f"{DOMAIN}:{VENDOR_KEY}_{slug}_{kind}"


def _metadata(stat_id: str, name: str) -> StatisticMetaData:
    metadata: dict[str, Any] = {
        "has_sum": True,
        "mean_type": StatisticMeanType.NONE,
        "name": name,
        "source": DOMAIN,
        "statistic_id": stat_id,
        "unit_of_measurement": UnitOfEnergy.KILO_WATT_HOUR,
    }
    # Declared from Home Assistant 2025.11; older versions refuse keys they do not know.
    if "unit_class" in StatisticMetaData.__annotations__:
        metadata["unit_class"] = "energy"
    return cast("StatisticMetaData", metadata)


@dataclass(frozen=True, slots=True)
class _Series:
    """One statistic to continue: where it stands and how to read an interval's energy."""

    stat_id: str
    name: str
    energy: Callable[[Any], float]
    next_start: datetime
    sum: float


def _whole_hours(
    intervals: Iterable[SolarInterval | BatteryInterval], after: datetime, before: datetime
) -> list[SolarInterval | BatteryInterval]:
    """Closed intervals of exactly one hour on the hour (statistics are hourly)."""
    return sorted(
        (
            interval
            for interval in intervals
            if after <= interval.start
            and interval.end <= before
            and interval.end - interval.start == HOUR
            and interval.start.minute == 0
            and interval.start.second == 0
        ),
        key=lambda interval: interval.start,
    )


type Imported = dict[str, tuple[datetime, float]]
"""Statistic id -> the start of its last imported hour and the sum there."""


class DerapiStatisticsCoordinator(HomeEnergyCloudCoordinator[Imported]):
    """Imports every site's closed hours hourly; its data is where each statistic stands.

    The recorder writes in the background, so an import may not be readable yet when the next
    one starts; what this run imported is then taken from memory instead.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DerapiConfigEntry,
        client: DerapiClient,
        topology: DerapiTopologyCoordinator,
    ) -> None:
        """Follow the sites the topology lists."""
        super().__init__(hass, entry, name="Derapi statistics", update_interval=INTERVALS_INTERVAL)
        self.client = client
        self.topology = topology

    async def _async_fetch(self) -> Imported:
        end = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
        imported: Imported = dict(self.data or {})
        sites = self.topology.data
        for site_id, site in sites.sites.items():
            name = site.name or site_id
            try:
                if site_id in sites.inverter_sites.values():
                    imported.update(await self._import_solar(site_id, name, end))
                if site_id in sites.battery_sites.values():
                    imported.update(await self._import_battery(site_id, name, end))
            except DerapiAuthError:
                raise
            except DerapiError as err:
                # One site's vendor failing leaves its statistics where they are; the next
                # import continues from there, so nothing is lost.
                LOGGER.debug("Derapi intervals of %s not imported this time: %s", site_id, err)
        return imported

    async def _series(
        self, site_id: str, kind: str, name: str, energy: Callable[[Any], float], end: datetime
    ) -> _Series:
        stat_id = statistic_id(site_id, kind)
        last = await get_instance(self.hass).async_add_executor_job(
            get_last_statistics, self.hass, 1, stat_id, True, {"sum"}
        )
        rows = last.get(stat_id)
        stored: tuple[datetime, float] | None = None
        if rows:
            stored = (
                dt_util.utc_from_timestamp(rows[0]["start"]),
                float(rows[0].get("sum") or 0.0),
            )
        remembered = (self.data or {}).get(stat_id)
        if remembered is not None and (stored is None or remembered[0] > stored[0]):
            stored = remembered
        if stored is None:
            return _Series(stat_id, name, energy, end - BACKFILL, 0.0)
        return _Series(stat_id, name, energy, stored[0] + HOUR, stored[1])

    async def _import_solar(self, site_id: str, name: str, end: datetime) -> Imported:
        series = await self._series(
            site_id, SOLAR_PRODUCTION, f"{name} solar production", lambda i: i.kwh, end
        )
        if series.next_start >= end:
            return {}
        intervals = await self.client.async_get_site_solar_intervals(
            site_id, series.next_start, end
        )
        return self._add(series, intervals, end)

    async def _import_battery(self, site_id: str, name: str, end: datetime) -> Imported:
        charged = await self._series(
            site_id, BATTERY_CHARGED, f"{name} battery charged", lambda i: i.charge_kwh, end
        )
        discharged = await self._series(
            site_id,
            BATTERY_DISCHARGED,
            f"{name} battery discharged",
            lambda i: i.discharge_kwh,
            end,
        )
        start = min(charged.next_start, discharged.next_start)
        if start >= end:
            return {}
        intervals = await self.client.async_get_site_battery_intervals(site_id, start, end)
        return {**self._add(charged, intervals, end), **self._add(discharged, intervals, end)}

    def _add(
        self, series: _Series, intervals: Sequence[SolarInterval | BatteryInterval], end: datetime
    ) -> Imported:
        hours = _whole_hours(intervals, series.next_start, end)
        if not hours:
            return {}
        total = series.sum
        statistics: list[StatisticData] = []
        for interval in hours:
            energy = max(series.energy(interval), 0.0)  # a sum never goes down
            total += energy
            statistics.append(StatisticData(start=interval.start, state=energy, sum=total))
        async_add_external_statistics(self.hass, _metadata(series.stat_id, series.name), statistics)
        return {series.stat_id: (hours[-1].start, total)}
