"""The Solarwatt / Kiwigrid config flow against the simulator: each connection, each error."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.kiwigrid import KiwigridSite
from custom_components.home_energy_cloud.const import CONF_ADVANCED, DOMAIN
from simulator import Simulator
from simulator.kiwigrid import PASSWORD, USERNAME

from .conftest import UNIQUE_IDS, entry_data

CLOUDS = ["solarwatt", "solarwatt_legacy"]


async def _connection_step(hass: HomeAssistant, connection: str) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "kiwigrid" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "kiwigrid"}
    )
    assert result["step_id"] == "kiwigrid"
    return await hass.config_entries.flow.async_configure(result["flow_id"], {"portal": connection})


def _account_input(
    simulator: Simulator, connection: str, password: str = PASSWORD, **host_overrides: str
) -> dict[str, Any]:
    data = entry_data(simulator, connection)
    hosts = {key: value for key, value in data.items() if key.endswith("_url")}
    hosts.update(host_overrides)
    return {"username": USERNAME, "password": password, CONF_ADVANCED: hosts}


@pytest.mark.parametrize("connection", CLOUDS)
async def test_cloud_account_creates_an_entry_named_by_site(
    hass: HomeAssistant, simulator: Simulator, connection: str
) -> None:
    result = await _connection_step(hass, connection)
    assert result["step_id"] == "kiwigrid_account"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, connection)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == UNIQUE_IDS[connection]
    assert entry.data == entry_data(simulator, connection)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_local_manager_creates_an_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _connection_step(hass, "local")
    assert result["step_id"] == "kiwigrid_local"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "has a space"}
    )
    assert result["errors"] == {"host": "invalid_host"}
    host = simulator.host_url("kiwigrid", "local")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"host": host})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == UNIQUE_IDS["local"]
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_unreachable_local_manager(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _connection_step(hass, "local")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": "127.0.0.1:9"}
    )
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize("connection", CLOUDS)
async def test_wrong_password_then_the_right_one(
    hass: HomeAssistant, simulator: Simulator, connection: str
) -> None:
    result = await _connection_step(hass, connection)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, connection, password="wrong")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, connection)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.parametrize("connection", CLOUDS)
async def test_portal_down(hass: HomeAssistant, simulator: Simulator, connection: str) -> None:
    simulator.faults("kiwigrid").update({"http_errors": 100})
    result = await _connection_step(hass, connection)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, connection)
    )
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize("connection", CLOUDS)
async def test_login_page_changed(
    hass: HomeAssistant, simulator: Simulator, connection: str
) -> None:
    # The login host answers, but not with the login flow it used to have.
    elsewhere = simulator.host_url("kiwigrid", "hems")
    result = await _connection_step(hass, connection)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _account_input(simulator, connection, **{f"{connection}_auth_url": elsewhere}),
    )
    assert result["errors"] == {"base": "login_page_changed"}


async def test_invalid_host_url_opens_the_advanced_section(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await _connection_step(hass, "solarwatt")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _account_input(simulator, "solarwatt", solarwatt_hems_url="not a url"),
    )
    assert result["errors"] == {CONF_ADVANCED: "invalid_base_url"}


@pytest.mark.parametrize("connection", ["solarwatt_legacy"])
async def test_the_same_site_twice_is_refused(
    hass: HomeAssistant, simulator: Simulator, kiwigrid_entry: MockConfigEntry, connection: str
) -> None:
    result = await _connection_step(hass, "local")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": simulator.host_url("kiwigrid", "local")}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize("connection", ["solarwatt"])
async def test_reauth_takes_the_new_password(
    hass: HomeAssistant, simulator: Simulator, kiwigrid_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        kiwigrid_entry, data={**kiwigrid_entry.data, "password": "old"}
    )
    result = await kiwigrid_entry.start_reauth_flow(hass)
    assert result["step_id"] == "kiwigrid_reauth"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": "still wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert kiwigrid_entry.data["password"] == PASSWORD
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(kiwigrid_entry.entry_id)


@pytest.mark.parametrize("connection", ["local"])
async def test_reauth_of_a_local_manager_explains_itself(
    hass: HomeAssistant, kiwigrid_entry: MockConfigEntry
) -> None:
    result = await kiwigrid_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "local_login_required"


@pytest.mark.parametrize("connection", ["solarwatt_legacy"])
async def test_reconfigure_changes_hosts_of_the_same_site_only(
    hass: HomeAssistant, simulator: Simulator, kiwigrid_entry: MockConfigEntry
) -> None:
    result = await kiwigrid_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "kiwigrid_account"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account_input(simulator, "solarwatt_legacy")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(kiwigrid_entry.entry_id)


@pytest.mark.parametrize("connection", ["local"])
async def test_reconfigure_refuses_another_site(
    hass: HomeAssistant, simulator: Simulator, kiwigrid_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(kiwigrid_entry, unique_id="kiwigrid:another-manager")
    result = await kiwigrid_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "kiwigrid_local"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": simulator.host_url("kiwigrid", "local")}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_a_manager_without_a_site_is_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await _connection_step(hass, "local")

    async def empty(*_: object) -> KiwigridSite:
        return KiwigridSite()

    with patch(
        "custom_components.home_energy_cloud.api.kiwigrid.LocalEnergyManagerClient.get_site", empty
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"host": simulator.host_url("kiwigrid", "local")}
        )
    assert result["errors"] == {"base": "no_site"}
