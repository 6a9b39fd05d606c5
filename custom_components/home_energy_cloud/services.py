"""Registering entity service actions once, from ``async_setup`` (rule action-setup)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.helpers import service
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES

from .const import DOMAIN
from .schema import vol


def register_platform_entity_service(
    hass: HomeAssistant,
    entity_domain: str,
    name: str,
    *,
    func: str | Callable[..., Any],
    schema: dict[Any, Any] | vol.Schema,
    supports_response: SupportsResponse = SupportsResponse.NONE,
) -> None:
    """Register ``home_energy_cloud.<name>`` on this integration's ``entity_domain`` entities.

    Home Assistant 2025.10 added a helper for this; older versions get the same behaviour by
    handing the entity platform's own (live) entity map to the generic helper.
    """
    if hasattr(service, "async_register_platform_entity_service"):
        service.async_register_platform_entity_service(
            hass,
            DOMAIN,
            name,
            entity_domain=entity_domain,
            func=func,
            schema=schema,
            supports_response=supports_response,
        )
        return
    entities = hass.data.setdefault(DATA_DOMAIN_PLATFORM_ENTITIES, {}).setdefault(
        (entity_domain, DOMAIN), {}
    )
    service.async_register_entity_service(
        hass,
        DOMAIN,
        name,
        entities=entities,
        func=func,
        job_type=None,
        schema=schema,
        supports_response=supports_response,
    )
