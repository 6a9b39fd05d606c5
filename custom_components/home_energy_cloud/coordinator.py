"""The base coordinator every vendor's coordinators derive from."""

from __future__ import annotations

from abc import abstractmethod
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api.exceptions import ApiAuthError, ApiError
from .const import LOGGER
from .errors import api_error_translation


class HomeEnergyCloudCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls one vendor account and turns client errors into Home Assistant's.

    Subclasses implement :meth:`_async_fetch` with client calls only; an auth error becomes a
    reauth request, any other client error a translated ``UpdateFailed`` (logged once by the
    base class when the cloud goes away and once when it returns).
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        name: str,
        update_interval: timedelta | None,
    ) -> None:
        """Bind the coordinator to its entry (required from Home Assistant 2026.8)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{name} ({entry.title})",
            update_interval=update_interval,
        )

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Read the account's current data from the cloud."""

    async def _async_update_data(self) -> DataT:
        try:
            return await self._async_fetch()
        except ApiAuthError as err:
            raise ConfigEntryAuthFailed(**api_error_translation(err)) from err
        except ApiError as err:
            raise UpdateFailed(**api_error_translation(err)) from err
