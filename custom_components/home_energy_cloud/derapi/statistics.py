"""Hourly interval energy imported into long-term statistics, the way core's opower does.

Derapi's interval data arrives late and per closed interval; written as external statistics it
lands in the hour it belongs to, survives Home Assistant being down, and gives the Energy
dashboard its solar and battery sources. Each site has up to three statistics
(``home_energy_cloud:derapi_<site>_{solar_production|battery_charged|battery_discharged}``).

Each import re-reads the last :data:`REREAD` hours (vendors correct recent intervals, notes
§13) plus anything newer than the last stored hour, compares them with what the recorder holds,
and rewrites from the first hour that changed or was missing, the running ``sum`` continuing
from the row before it. Repeating an import writes nothing; a new statistic is backfilled 30
days. Statistics are hours in UTC: the vendor's intervals are summed into UTC hours, and an hour
is written only once its intervals cover it completely (a site half an hour off UTC is read in
15-minute intervals, and its latest hour waits until its last quarter has arrived).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
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
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..api.derapi import (
    BatteryInterval,
    DerapiAuthError,
    DerapiClient,
    DerapiError,
    DerapiSite,
    SolarInterval,
)
from ..const import DOMAIN, LOGGER
from ..coordinator import HomeEnergyCloudCoordinator
from ..recorder_jobs import async_recorder_read
from .const import BACKFILL, INTERVALS_INTERVAL, REREAD, VENDOR_KEY
from .coordinator import DerapiTopologyCoordinator

if TYPE_CHECKING:
    from .runtime import DerapiConfigEntry

HOUR = timedelta(hours=1)
SOLAR_PRODUCTION = "solar_production"
BATTERY_CHARGED = "battery_charged"
BATTERY_DISCHARGED = "battery_discharged"
# Energies and sums equal to within a milliwatt-hour are the same (float rounding, not data).
_SAME_KWH = 1e-6
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

type Interval = SolarInterval | BatteryInterval
type Energy = Callable[[Any], float]


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


def summary_level(site: DerapiSite) -> str:
    """The interval size whose boundaries fall on UTC hours for this site.

    Derapi aligns intervals to the site's local time (notes §6.7): hours of a site 30 or 45
    minutes off a whole hour (India, Nepal, Newfoundland …) never fit a UTC hour, its quarter
    hours always do.
    """
    offset = site.location.current_utc_offset if site.location else None
    if offset is None:
        offset = site.location_utc_offset
    if offset is None or float(offset).is_integer():
        return "hour"
    return "15mins"


def hourly_energy(intervals: Iterable[Interval], energy: Energy) -> dict[datetime, float]:
    """The intervals' energy summed into UTC hours, only hours they cover completely.

    An interval that crosses a UTC hour cannot be split honestly and counts for no hour; an
    hour with a gap or an overlap stays out until a later read covers it exactly.
    """
    by_hour: dict[datetime, list[Interval]] = defaultdict(list)
    for interval in intervals:
        start = interval.start.astimezone(UTC)
        hour = start.replace(minute=0, second=0, microsecond=0)
        if interval.start < interval.end <= hour + HOUR:
            by_hour[hour].append(interval)
    hours: dict[datetime, float] = {}
    for hour in sorted(by_hour):
        parts = sorted(by_hour[hour], key=lambda interval: interval.start)
        edges = [hour, *(part.end for part in parts)]
        if edges[-1] != hour + HOUR or any(
            part.start != edge for part, edge in zip(parts, edges, strict=False)
        ):
            continue
        hours[hour] = sum(max(energy(part), 0.0) for part in parts)  # a sum never goes down
    return hours


def _rewrite(
    stored: Mapping[datetime, tuple[float, float]], fetched: Mapping[datetime, float], base: float
) -> list[StatisticData]:
    """The rows to write so the hours read match the vendor and every sum follows on.

    `stored`: the recorder's rows in the re-read window (hour -> state, sum); `base`: the sum
    before the window. Hours before the first that changed or was missing are left alone.
    """
    states = {hour: state for hour, (state, _) in stored.items()}
    states.update(fetched)
    rows: list[StatisticData] = []
    total = base
    for hour in sorted(states):
        total += states[hour]
        if not rows and hour in stored:
            state, stored_sum = stored[hour]
            if math.isclose(state, states[hour], abs_tol=_SAME_KWH) and math.isclose(
                stored_sum, total, abs_tol=_SAME_KWH
            ):
                total = stored_sum  # continue from exactly what is stored
                continue
        rows.append(StatisticData(start=hour, state=states[hour], sum=total))
    return rows


@dataclass(frozen=True, slots=True)
class _Series:
    """One statistic: what the recorder holds in the window read, and how to read energy."""

    stat_id: str
    name: str
    energy: Energy
    stored: dict[datetime, tuple[float, float]]
    base: float


type Imported = dict[str, tuple[datetime, float]]
"""Statistic id -> the start of its last imported hour and the sum there."""


class DerapiStatisticsCoordinator(HomeEnergyCloudCoordinator[Imported]):
    """Imports every site's hours hourly; its data is where each statistic stands."""

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
        # What the previous import queued must be readable before it is compared with.
        await get_instance(self.hass).async_block_till_done()
        sites = self.topology.data
        for site_id, site in sites.sites.items():
            name = site.name or site_id
            try:
                if site_id in sites.inverter_sites.values():
                    imported.update(await self._import_solar(site, name, end))
                if site_id in sites.battery_sites.values():
                    imported.update(await self._import_battery(site, name, end))
            except DerapiAuthError:
                raise
            except DerapiError as err:
                # One site's vendor failing leaves its statistics where they are; the next
                # import re-reads from there, so nothing is lost.
                LOGGER.debug("Derapi intervals of %s not imported this time: %s", site_id, err)
        return imported

    async def _window_start(self, stat_ids: Sequence[str], end: datetime) -> datetime:
        """Where to re-read from: the last REREAD hours, or the hour after the oldest last row."""
        start = end - REREAD
        for stat_id in stat_ids:
            last = await async_recorder_read(
                self.hass, get_last_statistics, self.hass, 1, stat_id, True, {"sum"}
            )
            rows = last.get(stat_id)
            if not rows:
                return end - BACKFILL
            start = min(start, dt_util.utc_from_timestamp(rows[0]["start"]) + HOUR)
        return max(start, end - BACKFILL)

    async def _series(
        self, specs: Sequence[tuple[str, str, Energy]], start: datetime, end: datetime
    ) -> list[_Series]:
        """What the recorder holds from `start` on for each (statistic id, name, energy)."""
        stat_ids = {stat_id for stat_id, _, _ in specs}
        found = await async_recorder_read(
            self.hass,
            statistics_during_period,
            self.hass,
            start,
            end,
            stat_ids,
            "hour",
            None,
            {"state", "sum"},
        )
        series: list[_Series] = []
        for stat_id, name, energy in specs:
            stored = {
                dt_util.utc_from_timestamp(row["start"]): (
                    float(row.get("state") or 0.0),
                    float(row.get("sum") or 0.0),
                )
                for row in found.get(stat_id, [])
            }
            if stored:
                first = stored[min(stored)]
                base = first[1] - first[0]
            else:
                base = await self._last_sum(stat_id)
            series.append(_Series(stat_id, name, energy, stored, base))
        return series

    async def _last_sum(self, stat_id: str) -> float:
        last = await async_recorder_read(
            self.hass, get_last_statistics, self.hass, 1, stat_id, True, {"sum"}
        )
        rows = last.get(stat_id)
        return float(rows[0].get("sum") or 0.0) if rows else 0.0

    async def _import_solar(self, site: DerapiSite, name: str, end: datetime) -> Imported:
        stat_id = statistic_id(site.id, SOLAR_PRODUCTION)
        start = await self._window_start([stat_id], end)
        intervals = await self.client.async_get_site_solar_intervals(
            site.id, start, end, summary_level(site)
        )
        specs = [(stat_id, f"{name} solar production", _solar_kwh)]
        return self._write(await self._series(specs, start, end), intervals)

    async def _import_battery(self, site: DerapiSite, name: str, end: datetime) -> Imported:
        charged = statistic_id(site.id, BATTERY_CHARGED)
        discharged = statistic_id(site.id, BATTERY_DISCHARGED)
        start = await self._window_start([charged, discharged], end)
        intervals = await self.client.async_get_site_battery_intervals(
            site.id, start, end, summary_level(site)
        )
        specs = [
            (charged, f"{name} battery charged", _charged_kwh),
            (discharged, f"{name} battery discharged", _discharged_kwh),
        ]
        return self._write(await self._series(specs, start, end), intervals)

    def _write(self, series: Sequence[_Series], intervals: Sequence[Interval]) -> Imported:
        imported: Imported = {}
        for one in series:
            rows = _rewrite(one.stored, hourly_energy(intervals, one.energy), one.base)
            if rows:
                async_add_external_statistics(self.hass, _metadata(one.stat_id, one.name), rows)
                imported[one.stat_id] = (rows[-1]["start"], rows[-1]["sum"] or 0.0)
            elif one.stored:
                newest = max(one.stored)
                imported[one.stat_id] = (newest, one.stored[newest][1])
        return imported


def _solar_kwh(interval: SolarInterval) -> float:
    return interval.kwh


def _charged_kwh(interval: BatteryInterval) -> float:
    return interval.charge_kwh


def _discharged_kwh(interval: BatteryInterval) -> float:
    return interval.discharge_kwh
