"""Device lifecycle shared by every vendor: devices appear, go missing, and only then leave.

Clouds answer with incomplete lists now and then (Electra's ``devices: null``, a Derapi vendor
in the ``errors`` map, a websocket that re-registers before its device set is complete), and
removing a device deletes its entities with the names, areas and automations users gave them.
So a device leaves only when every rule below agrees, and the evidence survives restarts:

* the first list after setup, a reload or a restart never counts as a miss (it is the one most
  likely to be a glitch: reauth and restarts happen exactly when the cloud misbehaves);
* a device goes once it was missing from ``MISSES_TO_REMOVE`` counted lists in a row, counted
  misses at least ``MISS_INTERVAL`` apart, so a vendor that lists every few seconds needs the
  same hour of evidence as one that lists hourly;
* a list only speaks for the devices in its scope (a vendor whose part failed said nothing);
* any list that names a device ends its streak.

Users may delete a device by hand only once the cloud no longer lists it; that check reads the
stored record, so it also works while the entry is not loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER

MISSES_TO_REMOVE = 2
MISS_INTERVAL = timedelta(hours=1)
# Hourly lists arrive a little early or late (schedulers add jitter); they still count as an
# hour apart.
MISS_INTERVAL_SLACK = timedelta(minutes=5)
STORAGE_VERSION = 1
SAVE_DELAY = 5  # seconds: coalesces the updates of one refresh into one write

type DeviceRecords = dict[str, dict[str, Any]]
DATA_STORE: HassKey[_DeviceStore] = HassKey(f"{DOMAIN}_devices")


@dataclass
class MissingDevices:
    """The removal rules above as plain state, with no Home Assistant in it.

    ``listed`` holds the devices the cloud is taken to have; ``misses`` maps a device missing
    from counted lists to ``[count, time of the last counted miss]``.
    """

    listed: set[str] = field(default_factory=set)
    misses: dict[str, list[float]] = field(default_factory=dict)
    first_list_seen: bool = False

    def report(
        self, present: Collection[str], now: float, in_scope: Callable[[str], bool]
    ) -> set[str]:
        """Take one successful list; returns the devices to remove now."""
        present = set(present)
        for uid in present:
            self.misses.pop(uid, None)
        if not self.first_list_seen:
            # Only what the first list adds is believed; what it lacks waits for the next.
            self.first_list_seen = True
            self.listed |= present
            return set()
        remove: set[str] = set()
        for uid in self.listed - present:
            if not in_scope(uid):
                continue
            count, last = self.misses.get(uid, [0, 0.0])
            if count == 0 or now - last >= (MISS_INTERVAL - MISS_INTERVAL_SLACK).total_seconds():
                count, last = count + 1, now
            self.misses[uid] = [count, last]
            if count >= MISSES_TO_REMOVE:
                remove.add(uid)
        self.listed = (self.listed | present) - remove
        for uid in remove:
            del self.misses[uid]
        return remove

    def may_remove_by_hand(self, uid: str) -> bool:
        """Whether a device is gone from the cloud's latest counted list (or never listed)."""
        return uid not in self.listed or uid in self.misses

    def as_record(self) -> dict[str, Any]:
        """What is stored (the first-list flag is per run, never stored)."""
        return {"listed": sorted(self.listed), "misses": self.misses}

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> MissingDevices:
        """Restore the stored state; a damaged record starts afresh (nothing is removed)."""
        if not record:
            return cls()
        try:
            listed = {str(uid) for uid in record["listed"]}
            misses = {
                str(uid): [int(count), float(last)]
                for uid, (count, last) in record["misses"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls()
        return cls(listed=listed, misses=misses)


class _DeviceStore:
    """One storage file with every entry's device record."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.store: Store[DeviceRecords] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.devices")
        self.records: DeviceRecords = {}

    @classmethod
    async def async_get(cls, hass: HomeAssistant) -> _DeviceStore:
        if (store := hass.data.get(DATA_STORE)) is None:
            store = cls(hass)
            store.records = await store.store.async_load() or {}
            # Another caller may have loaded it while this one waited.
            store = hass.data.setdefault(DATA_STORE, store)
        return store

    @callback
    def save(self) -> None:
        self.store.async_delay_save(lambda: self.records, SAVE_DELAY)


class DeviceLifecycle:
    """The devices of one config entry: what the cloud lists, and removal of those it dropped."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], store: _DeviceStore) -> None:
        self._hass = hass
        self._entry_id = entry.entry_id
        self._store = store
        self._state = MissingDevices.from_record(store.records.get(entry.entry_id))
        self._removal_listeners: list[Callable[[str], None]] = []

    @classmethod
    async def async_get(cls, hass: HomeAssistant, entry: ConfigEntry[Any]) -> DeviceLifecycle:
        """The lifecycle of an entry, with what earlier runs learnt."""
        return cls(hass, entry, await _DeviceStore.async_get(hass))

    @callback
    def async_report_list(
        self,
        present: Iterable[str],
        *,
        in_scope: Callable[[str], bool] = lambda uid: True,
    ) -> None:
        """Take a successful device list (device unique ids); remove what it has lost for good.

        ``in_scope`` limits what the list speaks for (a partial list: devices of a backend
        that failed this time are out of scope and keep their state).
        """
        before = self._state.as_record()
        removed = self._state.report(set(present), time.time(), in_scope)
        if removed:
            self._remove_from_registry(removed)
        if self._state.as_record() != before:
            self._store.records[self._entry_id] = self._state.as_record()
            self._store.save()

    def is_listed(self, uid: str) -> bool:
        """Whether the device is taken to be in the account (listed, and not removed since)."""
        return uid in self._state.listed

    def may_remove_by_hand(self, device: dr.DeviceEntry) -> bool:
        """Whether the user may delete this device (the cloud no longer lists it)."""
        return all(self._state.may_remove_by_hand(uid) for uid in device_unique_ids(device))

    @callback
    def async_on_removed(self, listener: Callable[[str], None]) -> CALLBACK_TYPE:
        """Be told the unique id of each device removed from the registry."""
        self._removal_listeners.append(listener)
        return lambda: self._removal_listeners.remove(listener)

    def _remove_from_registry(self, removed: set[str]) -> None:
        registry = dr.async_get(self._hass)
        for device in dr.async_entries_for_config_entry(registry, self._entry_id):
            uids = device_unique_ids(device)
            if uids and uids <= removed:
                LOGGER.info("Removing %s: the cloud no longer lists it", device.name)
                registry.async_remove_device(device.id)
        for uid in removed:
            for listener in list(self._removal_listeners):
                listener(uid)

    @staticmethod
    async def async_forget(hass: HomeAssistant, entry_id: str) -> None:
        """Drop the record of a deleted entry."""
        store = await _DeviceStore.async_get(hass)
        if store.records.pop(entry_id, None) is not None:
            store.save()


def device_unique_ids(device: dr.DeviceEntry) -> set[str]:
    """The identifiers this integration gave a registry device."""
    return {ident for domain, ident in device.identifiers if domain == DOMAIN}


@callback
def async_add_entities_as_devices_appear[DataT](
    entry: ConfigEntry[Any],
    coordinator: DataUpdateCoordinator[DataT],
    devices: DeviceLifecycle,
    async_add_entities: AddConfigEntryEntitiesCallback,
    signatures: Callable[[DataT], Mapping[str, Hashable]],
    build: Callable[[str], Iterable[Entity]],
) -> None:
    """Add a device's entities when it appears, and more when its features change.

    ``signatures`` maps each device unique id in the data to what decides its entities (for
    example the set of keys it reports); ``build`` creates the entities of one device and may
    return some that exist already (recognised by unique id). Updates that change no signature
    cost one dict comparison per device.
    """
    seen: dict[str, Hashable] = {}
    added: dict[str, set[str]] = {}

    @callback
    def add_new() -> None:
        if coordinator.data is None:
            return
        new: list[Entity] = []
        for uid, signature in signatures(coordinator.data).items():
            if seen.get(uid, _UNSEEN) == signature:
                continue
            seen[uid] = signature
            have = added.setdefault(uid, set())
            for entity in build(uid):
                if entity.unique_id is not None and entity.unique_id not in have:
                    have.add(entity.unique_id)
                    new.append(entity)
        if new:
            async_add_entities(new)

    @callback
    def forget(uid: str) -> None:
        # Its entities left with the registry device; if it ever returns it gets new ones.
        seen.pop(uid, None)
        added.pop(uid, None)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
    entry.async_on_unload(devices.async_on_removed(forget))


_UNSEEN = object()
