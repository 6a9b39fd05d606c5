"""Usage of each meter as external long-term statistics (the Energy and water dashboards).

The way core's opower does it, with the SEW lessons (notes §5): statistics owned by the
integration (``async_add_external_statistics``, never the sensors' own ids); consumption and
cost, plus return and credit on net meters, from the first day so no migration is needed later.
Hourly where the meter has interval data (AMI), daily otherwise (one row per local day, at its
local midnight): "hourly where interval data exists, daily otherwise".

Per meter a stored marker, ``final_through``, says up to where the written rows are final.
Each import re-reads from the day holding that instant (the first import: ``history_days``
back, or from the meter's first billing cycle if that is later), continues the running ``sum``
of every statistic from the last row the recorder holds before the marker (never from 0), and
rewrites every row it read: estimated rows are written (users see yesterday) and overwritten
once final, and writing the same row twice is an upsert. The marker moves over the leading days
that are final, and only those. Rows are aware UTC hours, so the 23 and 25 hours of
daylight-saving days are just hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import re
import time
from typing import Any, cast

from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api.exceptions import ApiError
from ..api.sew import (
    FetchResult,
    Pacer,
    Resolution,
    ServiceType,
    SewAccount,
    SewClient,
    SewMeter,
    SewUsage,
    SewUsageRow,
    fetch_daily_windows,
    fetch_days,
    is_day_final,
    plan_import,
)
from ..api.sew.planner import local_midnight
from ..const import DOMAIN, LOGGER
from ..recorder_jobs import async_recorder_read
from .units import energy_unit_class

STORAGE_VERSION = 1
BATCH_HOURS = 24 * 31
"""Rows per recorder call: a month at a time keeps each insert job small."""
ANCHOR_WINDOW = timedelta(days=40)
"""How far back the last row before the marker is looked for (a gap longer than this restarts)."""

SERVICE_NAMES = {ServiceType.ELECTRIC: "energy", ServiceType.WATER: "water", ServiceType.GAS: "gas"}
CONSUMPTION, COST, RETURN, CREDIT = "consumption", "cost", "return", "credit"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.casefold()).strip("_")


def statistic_id(utility_id: str, account: str, meter: SewMeter, kind: str) -> str:
    """``home_energy_cloud:sew_<utility>_<account>_<meter>_<energy|water|gas>_<kind>``."""
    service = SERVICE_NAMES[meter.service]
    parts = ("sew", utility_id, account, meter.meter_number, service, kind)
    return f"{DOMAIN}:{'_'.join(_slug(part) for part in parts)}"


def metadata(stat_id: str, name: str, unit: str | None, *, money: bool) -> StatisticMetaData:
    """Metadata valid on every supported Home Assistant.

    ``mean_type`` exists on all of them; ``unit_class`` only where ``StatisticMetaData``
    declares it (2025.11+): older recorders expand the dict into their table row, where an
    unknown key fails.
    """
    meta: dict[str, Any] = {
        "has_mean": False,
        "mean_type": StatisticMeanType.NONE,
        "has_sum": True,
        "name": name,
        "source": DOMAIN,
        "statistic_id": stat_id,
        "unit_of_measurement": None if money else unit,
    }
    if "unit_class" in StatisticMetaData.__annotations__:
        meta["unit_class"] = None if money else energy_unit_class(unit)
    return cast("StatisticMetaData", meta)


@dataclass(frozen=True, slots=True)
class MeterStatistics:
    """The statistic ids of one meter and what each row takes from a usage row."""

    ids: Mapping[str, str]
    names: Mapping[str, str]
    unit: str | None

    @classmethod
    def of(
        cls, utility_id: str, utility_name: str, account: str, meter: SewMeter, unit: str | None
    ) -> MeterStatistics:
        """Consumption and cost; return and credit too where the meter is net metered."""
        kinds = [CONSUMPTION, COST, *([RETURN, CREDIT] if meter.net_metered else [])]
        service = SERVICE_NAMES[meter.service]
        return cls(
            ids={kind: statistic_id(utility_id, account, meter, kind) for kind in kinds},
            names={kind: f"{utility_name} {service} {kind}" for kind in kinds},
            unit=unit,
        )

    def metadata(self, kind: str) -> StatisticMetaData:
        """The recorder metadata of one of the meter's statistics."""
        return metadata(self.ids[kind], self.names[kind], self.unit, money=kind in (COST, CREDIT))


_ROW_VALUES: dict[str, Callable[[SewUsageRow], float | None]] = {
    CONSUMPTION: lambda row: row.quantity,
    COST: lambda row: row.cost,
    RETURN: lambda row: row.returned,
    CREDIT: lambda row: row.credit,
}


def hourly_points(
    rows: Iterable[SewUsageRow], kinds: Iterable[str], sums: Mapping[str, float]
) -> dict[str, list[StatisticData]]:
    """Statistic rows per kind, ``sum`` running on from ``sums``.

    An hour without a quantity writes nothing (never a zero the utility did not report); a
    net meter's hour that reports consumption but no export returned nothing, so return and
    credit stay continuous.
    """
    running = {kind: sums.get(kind, 0.0) for kind in kinds}
    points: dict[str, list[StatisticData]] = {kind: [] for kind in running}
    for row in sorted(rows, key=lambda row: row.start):
        if row.quantity is None and row.returned is None:
            continue
        for kind, total in list(running.items()):
            value = _ROW_VALUES[kind](row) or 0.0
            running[kind] = round(total + value, 6)
            points[kind].append(StatisticData(start=row.start, state=value, sum=running[kind]))
    return points


@dataclass(slots=True)
class MeterImportState:
    """What is kept per meter between imports (and restarts)."""

    final_through: datetime | None = None
    """The end of the last hour whose data is final and stored."""
    latest_day: date | None = None
    latest_day_usage: float | None = None
    newest_final: datetime | None = None
    """The end of the newest final reading."""

    def as_record(self) -> dict[str, Any]:
        """The JSON record."""
        return {
            "final_through": _iso(self.final_through),
            "latest_day": self.latest_day.isoformat() if self.latest_day else None,
            "latest_day_usage": self.latest_day_usage,
            "newest_final": _iso(self.newest_final),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> MeterImportState:
        """Read a record back; a damaged one starts over (a new backfill, nothing lost)."""
        try:
            latest_day = record.get("latest_day")
            usage = record.get("latest_day_usage")
            return cls(
                final_through=_from_iso(record.get("final_through")),
                latest_day=date.fromisoformat(latest_day) if latest_day else None,
                latest_day_usage=float(usage) if usage is not None else None,
                newest_final=_from_iso(record.get("newest_final")),
            )
        except (TypeError, ValueError, AttributeError):
            return cls()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_iso(value: object) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _import_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, dict[str, Any]]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.sew_statistics.{entry_id}")


async def async_remove_import_state(hass: HomeAssistant, entry_id: str) -> None:
    """Forget a deleted entry's import markers."""
    await _import_store(hass, entry_id).async_remove()


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What one meter's import did."""

    days: int
    rows: int
    error: ApiError | None


class SewStatisticsImporter:
    """Imports the usage of one account's meters; one import at a time per entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: SewClient,
        *,
        utility_id: str,
        utility_name: str,
        history_days: int,
        pace: float,
        concurrency: int,
    ) -> None:
        """``history_days``: how far the first import reaches back."""
        self._hass = hass
        self._client = client
        self._utility_id = utility_id
        self._utility_name = utility_name
        self.history_days = history_days
        self._pacer = Pacer(pace, time.monotonic)
        self._concurrency = concurrency
        self._store = _import_store(hass, entry_id)
        self.states: dict[str, MeterImportState] = {}

    async def async_load(self) -> None:
        """Read what earlier runs stored."""
        records = await self._store.async_load() or {}
        self.states = {
            key: MeterImportState.from_record(record)
            for key, record in records.items()
            if isinstance(record, Mapping)
        }

    async def _async_save(self) -> None:
        # At once, not delayed: a restart right after an import must find its marker.
        await self._store.async_save({key: state.as_record() for key, state in self.states.items()})

    def _today(self) -> date:
        return dt_util.now(self._client.time_zone).date()

    def statistics_of(
        self, account: SewAccount, meter: SewMeter, unit: str | None
    ) -> MeterStatistics:
        """The statistics a meter writes."""
        return MeterStatistics.of(
            self._utility_id, self._utility_name, account.account_number, meter, unit
        )

    async def async_read_day(self, account: SewAccount, meter: SewMeter, day: date) -> SewUsage:
        """What an import reads for ``day``: its hours, or the daily window ending there."""
        if meter.resolution is Resolution.HOURLY:
            return await self._client.get_hourly_usage(account, meter, day)
        return await self._client.get_daily_usage(account, meter, day)

    async def _fetch(
        self,
        account: SewAccount,
        meter: SewMeter,
        days: Sequence[date],
        prefetched: Mapping[date, SewUsage] | None,
    ) -> FetchResult[SewUsage]:
        """Hourly meters: one request per day; daily-only meters: a window at a time."""
        if meter.resolution is Resolution.HOURLY:
            return await fetch_days(
                days,
                lambda day: self._client.get_hourly_usage(account, meter, day),
                concurrency=self._concurrency,
                pacer=self._pacer,
                prefetched=prefetched,
            )
        return await fetch_daily_windows(
            days,
            lambda end: self._client.get_daily_usage(account, meter, end),
            self._client.time_zone,
            pacer=self._pacer,
            prefetched=prefetched,
        )

    async def _data_start(self, account: SewAccount, meter: SewMeter) -> date | None:
        """The first day of the meter's first billing cycle (None: the utility does not say).

        A backfill asks no day before it: a meter with weeks of history costs weeks of
        requests, not two years of empty days.
        """
        try:
            cycles = await self._client.get_monthly_usage(account, meter, self._today())
        except ApiError as err:
            # An auth error comes back from the first day's read as well, and is handled there.
            LOGGER.debug("SEW billing cycles unavailable, backfilling the full reach: %s", err)
            return None
        start = min((row.start for row in cycles.rows), default=None)
        return start.astimezone(self._client.time_zone).date() if start else None

    async def async_import(
        self,
        key: str,
        account: SewAccount,
        meter: SewMeter,
        unit: str | None,
        *,
        prefetched: Mapping[date, SewUsage] | None = None,
    ) -> ImportOutcome:
        """Bring one meter's statistics up to date (the first time: backfill ``history_days``).

        ``prefetched``: replies the caller already read (see :meth:`async_read_day`).
        """
        state = self.states.setdefault(key, MeterImportState())
        stats = self.statistics_of(account, meter, unit)
        sums: dict[str, float] = {}
        if state.final_through is not None:
            found = await self._sums_before(stats, state.final_through)
            if found is None:
                LOGGER.info("Stored SEW statistics are gone; importing the history again")
                state.final_through = None
            else:
                sums = found
        tz = self._client.time_zone
        today = self._today()
        data_start = None
        if state.final_through is None:
            data_start = await self._data_start(account, meter)
        plan = plan_import(
            state.final_through,
            today,
            tz,
            history_days=self.history_days,
            data_start=data_start,
        )
        return await self._import_days(
            key, account, meter, stats, plan.days, sums, today, prefetched
        )

    async def async_reimport(
        self,
        key: str,
        account: SewAccount,
        meter: SewMeter,
        unit: str | None,
        first: date,
        last: date,
    ) -> ImportOutcome:
        """Re-read ``first``..``last`` and rewrite those hours; later sums shift to match.

        The hours after the range keep their values; their ``sum`` moves by whatever the
        re-read changed, so the chain stays continuous.
        """
        state = self.states.setdefault(key, MeterImportState())
        stats = self.statistics_of(account, meter, unit)
        tz = self._client.time_zone
        today = self._today()
        last = min(last, today - timedelta(days=1))
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        if not days:
            return ImportOutcome(0, 0, None)
        start, end = local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)
        sums = await self._sums_before(stats, start) or {}
        old_end = await self._sums_before(stats, end) or {}
        result = await self._fetch(account, meter, days, None)
        rows = [row for _day, usage in result.results for row in usage.rows]
        points = hourly_points(rows, stats.ids, sums)
        self._write(stats, points)
        if result.results and result.results[-1][0] == last:
            await self._shift_after(stats, end, points, old_end)
        # The final marker may now sit inside what was re-read: leave it where it is, since
        # every hour before it was just rewritten from the utility's current data.
        del state
        return ImportOutcome(len(result.results), len(rows), result.error)

    async def _shift_after(
        self,
        stats: MeterStatistics,
        end: datetime,
        points: Mapping[str, list[StatisticData]],
        old_end: Mapping[str, float],
    ) -> None:
        later = await self._rows_between(stats, end, None)
        for kind, stat_id in stats.ids.items():
            if not points[kind] or kind not in old_end:
                continue
            delta = points[kind][-1]["sum"] - old_end[kind]
            if not delta or not later.get(stat_id):
                continue
            shifted = [
                StatisticData(
                    start=dt_util.utc_from_timestamp(row["start"]),
                    state=row.get("state"),
                    sum=round((row.get("sum") or 0.0) + delta, 6),
                )
                for row in later[stat_id]
            ]
            self._write_kind(stats, kind, shifted)

    async def _import_days(
        self,
        key: str,
        account: SewAccount,
        meter: SewMeter,
        stats: MeterStatistics,
        days: Sequence[date],
        sums: Mapping[str, float],
        today: date,
        prefetched: Mapping[date, SewUsage] | None,
    ) -> ImportOutcome:
        state = self.states[key]
        tz = self._client.time_zone
        daily = meter.resolution is Resolution.DAILY
        result = await self._fetch(account, meter, days, prefetched)
        rows = [row for _day, usage in result.results for row in usage.rows]
        points = hourly_points(rows, stats.ids, sums)
        self._write(stats, points)
        still_final = True
        for day, usage in result.results:
            final = is_day_final(day, usage.rows, today, tz, daily=daily)
            if final and usage.rows:
                state.latest_day = day
                state.latest_day_usage = round(sum(row.quantity or 0.0 for row in usage.rows), 6)
                state.newest_final = max(row.end for row in usage.rows)
            if still_final and final:
                state.final_through = local_midnight(day + timedelta(days=1), tz)
            else:
                still_final = False
        await self._async_save()
        return ImportOutcome(len(result.results), len(rows), result.error)

    def _write(self, stats: MeterStatistics, points: Mapping[str, list[StatisticData]]) -> None:
        for kind, kind_points in points.items():
            self._write_kind(stats, kind, kind_points)

    def _write_kind(
        self, stats: MeterStatistics, kind: str, kind_points: Sequence[StatisticData]
    ) -> None:
        meta = stats.metadata(kind)
        for first in range(0, len(kind_points), BATCH_HOURS):
            batch = list(kind_points[first : first + BATCH_HOURS])
            async_add_external_statistics(self._hass, meta, batch)

    async def _rows_between(
        self, stats: MeterStatistics, start: datetime, end: datetime | None
    ) -> dict[str, list[Any]]:
        result: dict[str, list[Any]] = await async_recorder_read(
            self._hass,
            statistics_during_period,
            self._hass,
            start,
            end,
            set(stats.ids.values()),
            "hour",
            None,
            {"state", "sum"},
        )
        return result

    async def _sums_before(
        self, stats: MeterStatistics, moment: datetime
    ) -> dict[str, float] | None:
        """The running sums of the last rows before ``moment``; None if consumption has none."""
        # Rows written by a refresh still queued in the recorder must be seen.
        await get_instance(self._hass).async_block_till_done()
        found = await self._rows_between(stats, moment - ANCHOR_WINDOW, moment)
        sums: dict[str, float] = {}
        for kind, stat_id in stats.ids.items():
            rows = found.get(stat_id) or []
            if rows:
                sums[kind] = float(rows[-1].get("sum") or 0.0)
        return sums if CONSUMPTION in sums else None
