"""The Derapi config flow: account, vendor authorization, reauth, reconfigure and options."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.derapi import DerapiHosts
from custom_components.home_energy_cloud.config_flow import HomeEnergyCloudConfigFlow
from custom_components.home_energy_cloud.const import CONF_ADVANCED, DOMAIN
from custom_components.home_energy_cloud.derapi.client import hosts_of
from simulator import Simulator
from simulator.derapi import DerapiCloud, scenario as sc

from .conftest import entry_endpoints

pytestmark = pytest.mark.usefixtures("derapi_client_timing")

SMA = {"client_id": sc.SMA_CLIENT_ID, "client_secret": sc.SMA_CLIENT_SECRET}
SOLIS = {"key_id": sc.SOLIS_KEY_ID, "key_secret": sc.SOLIS_KEY_SECRET}
TESLA = {"client_id": sc.TESLA_CLIENT_ID, "refresh_token": sc.TESLA_REFRESH_TOKEN}


def _account(
    simulator: Simulator,
    client_id: str = sc.CLIENT_ID,
    secret: str = sc.CLIENT_SECRET,
    environment: str = "production",
) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "client_secret": secret,
        "environment": environment,
        CONF_ADVANCED: entry_endpoints(simulator),
    }


async def _account_step(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "derapi" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "derapi"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "derapi"
    return result


async def _authorization_step(
    hass: HomeAssistant, simulator: Simulator, **account: str
) -> dict[str, Any]:
    result = await _account_step(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account(simulator, **account)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "derapi_authorization"
    return result


async def test_credentials_stored_at_derapi(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _authorization_step(
        hass, simulator, client_id=sc.STORED_CLIENT_ID, secret=sc.STORED_CLIENT_SECRET
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "stored"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == sc.STORED_CLIENT_ID
    data = result["data"]
    assert data["vendor"] == "derapi"
    assert data["client_secret"] == sc.STORED_CLIENT_SECRET
    assert data["vendor_credentials"] == {}
    assert data["api_url"] == simulator.host_urls("derapi")["api"]
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_one_failing_vendor_among_three(
    hass: HomeAssistant, simulator: Simulator, derapi_cloud: DerapiCloud
) -> None:
    """SMA's secret is wrong: SMA is named, skipped, and Solis and Tesla are saved."""
    result = await _authorization_step(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "headers", "vendors": ["tesla", "sma", "solis"]}
    )
    assert result["step_id"] == "derapi_sma"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SMA, "client_secret": "not-the-secret"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "derapi_sma"
    assert result["errors"] == {"base": "vendor_unauthorized"}
    assert result["description_placeholders"] == {"vendor": "SMA"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"skip": True})
    assert result["step_id"] == "derapi_solis"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SOLIS)
    assert result["step_id"] == "derapi_tesla"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], TESLA)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    credentials = result["data"]["vendor_credentials"]
    assert set(credentials) == {"solis", "tesla"}
    assert credentials["solis"]["key_secret"] == sc.SOLIS_KEY_SECRET
    # The check spent the first refresh token; the entry keeps the one that replaced it.
    assert credentials["tesla"]["refresh_token"] != sc.TESLA_REFRESH_TOKEN
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert derapi_cloud.state.vendors.tesla_refresh.rotations >= 1


async def test_a_vendor_can_be_corrected_after_an_error(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await _authorization_step(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "headers", "vendors": ["solaredge"]}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"api_key": "WRONG"})
    assert result["errors"] == {"base": "vendor_unauthorized"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "missing_fields"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": sc.SOLAREDGE_API_KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["vendor_credentials"]["solaredge"]["api_key"] == sc.SOLAREDGE_API_KEY


async def test_a_vendor_behind_a_gateway_timeout_is_reported(
    hass: HomeAssistant, simulator: Simulator, derapi_cloud: DerapiCloud
) -> None:
    derapi_cloud.set_vendor_failure("solis", "timeout")
    result = await _authorization_step(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "headers", "vendors": ["solis"]}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SOLIS)
    assert result["errors"] == {"base": "vendor_unavailable"}
    assert result["description_placeholders"] == {"vendor": "Solis"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"skip": True})
    # Nothing left to send: back to the choice, with the reason.
    assert result["step_id"] == "derapi_authorization"
    assert result["errors"] == {"base": "no_vendor_saved"}


async def test_headers_need_a_vendor(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _authorization_step(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "headers", "vendors": []}
    )
    assert result["errors"] == {"vendors": "no_vendors"}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"client_secret": "wrong"}, "invalid_client"),
        ({CONF_ADVANCED: {"api_url": "not a url"}}, "invalid_base_url"),
    ],
)
async def test_account_errors(
    hass: HomeAssistant, simulator: Simulator, change: dict[str, Any], error: str
) -> None:
    result = await _account_step(hass)
    account = _account(simulator)
    if CONF_ADVANCED in change:
        account[CONF_ADVANCED] = {**account[CONF_ADVANCED], **change[CONF_ADVANCED]}
    else:
        account.update(change)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], account)
    assert result["type"] is FlowResultType.FORM
    # A host error is shown beside the Advanced section that holds the field.
    assert result["errors"] == {(CONF_ADVANCED if CONF_ADVANCED in change else "base"): error}


async def test_unreachable_derapi(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _account_step(hass)
    account = _account(simulator)
    account[CONF_ADVANCED] = {**account[CONF_ADVANCED], "auth_url": "http://127.0.0.1:9"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], account)
    assert result["errors"] == {"base": "cannot_connect"}


async def test_sandbox_credentials(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _authorization_step(
        hass,
        simulator,
        client_id=sc.SANDBOX_CLIENT_ID,
        secret=sc.SANDBOX_CLIENT_SECRET,
        environment="sandbox",
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "stored"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["environment"] == "sandbox"


async def test_same_client_id_twice_aborts(
    hass: HomeAssistant, simulator: Simulator, derapi_entry: MockConfigEntry
) -> None:
    result = await _account_step(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _account(simulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_with_the_new_secret(
    hass: HomeAssistant, simulator: Simulator, derapi_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        derapi_entry, data={**derapi_entry.data, "client_secret": "rotated-away"}
    )
    assert not await hass.config_entries.async_setup(derapi_entry.entry_id)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"])
    assert result["step_id"] == "derapi_reauth"
    assert result["description_placeholders"]["client_id"] == sc.CLIENT_ID
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"client_secret": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_client"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"client_secret": sc.CLIENT_SECRET}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert derapi_entry.data["client_secret"] == sc.CLIENT_SECRET
    assert derapi_entry.state is ConfigEntryState.LOADED


async def test_reconfigure_keeps_vendor_credentials(
    hass: HomeAssistant, simulator: Simulator, setup_derapi: MockConfigEntry
) -> None:
    credentials = dict(setup_derapi.data["vendor_credentials"])
    result = await setup_derapi.start_reconfigure_flow(hass)
    assert result["step_id"] == "derapi"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _account(simulator, environment="sandbox")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert setup_derapi.data["environment"] == "sandbox"
    assert set(setup_derapi.data["vendor_credentials"]) == set(credentials)


async def test_reconfigure_refuses_another_account(
    hass: HomeAssistant, simulator: Simulator, setup_derapi: MockConfigEntry
) -> None:
    result = await setup_derapi.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _account(simulator, client_id=sc.STORED_CLIENT_ID, secret=sc.STORED_CLIENT_SECRET),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_options_add_change_and_remove_vendors(
    hass: HomeAssistant, simulator: Simulator, setup_derapi: MockConfigEntry
) -> None:
    """The entry sends SMA and Tesla: drop SMA, re-enter Tesla, add SolarEdge, poll slower."""
    result = await hass.config_entries.options.async_init(setup_derapi.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"vendors": ["tesla", "solaredge"], "change": ["tesla"], "details_interval": 15},
    )
    assert result["step_id"] == "derapi_solaredge"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"api_key": sc.SOLAREDGE_API_KEY}
    )
    assert result["step_id"] == "derapi_tesla"
    current = setup_derapi.data["vendor_credentials"]["tesla"]["refresh_token"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**TESLA, "refresh_token": current}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert setup_derapi.options == {"details_interval": 15}
    assert set(setup_derapi.data["vendor_credentials"]) == {"tesla", "solaredge"}
    assert setup_derapi.state is ConfigEntryState.LOADED
    assert set(setup_derapi.runtime_data.client.vendors) == {"solaredge", "tesla"}


async def test_options_only_for_derapi_entries(
    hass: HomeAssistant, setup_derapi: MockConfigEntry
) -> None:
    assert HomeEnergyCloudConfigFlow.async_supports_options(setup_derapi)
    other = MockConfigEntry(domain=DOMAIN, data={"vendor": "electra"})
    assert not HomeEnergyCloudConfigFlow.async_supports_options(other)


def test_sandbox_entries_use_the_sandbox_token_hosts_unless_overridden() -> None:
    sandbox = hosts_of({"environment": "sandbox"})
    assert sandbox.sma_auth_url == DerapiHosts.sandbox().sma_auth_url
    assert hosts_of({"environment": "production"}) == DerapiHosts.production()
    overridden = hosts_of({"environment": "sandbox", "sma_auth_url": "http://proxy.local"})
    assert overridden.sma_auth_url == "http://proxy.local"
    assert overridden.api_url == DerapiHosts.sandbox().api_url


def _suggested(result: dict[str, Any]) -> dict[str, Any]:
    """The values a form shows filled in."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if isinstance(getattr(key, "description", None), dict)
        and "suggested_value" in key.description
    }


async def test_a_retry_keeps_what_was_typed_but_a_refused_secret(
    hass: HomeAssistant, simulator: Simulator, derapi_cloud: DerapiCloud
) -> None:
    """Ids always come back; secrets too, unless the vendor refused the credentials."""
    derapi_cloud.set_vendor_failure("solis", "timeout")
    result = await _authorization_step(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"authorization": "headers", "vendors": ["sma", "solis", "enphase"]}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"client_id": sc.SMA_CLIENT_ID, "client_secret": " "}
    )
    assert result["errors"] == {"base": "missing_fields"}
    assert _suggested(result) == {"client_id": sc.SMA_CLIENT_ID, "client_secret": " "}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SMA)

    # Solis cannot be reached: nothing was refused, so its secret is kept for the retry.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SOLIS)
    assert result["errors"] == {"base": "vendor_unavailable"}
    assert _suggested(result) == SOLIS
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"skip": True})

    enphase = {
        "client_id": sc.ENPHASE_CLIENT_ID,
        "client_secret": "wrong",
        "api_key": sc.ENPHASE_API_KEY,
        "refresh_token": sc.ENPHASE_REFRESH_TOKEN,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], enphase)
    assert result["step_id"] == "derapi_enphase"
    assert result["errors"] == {"base": "vendor_unauthorized"}
    assert _suggested(result) == {"client_id": sc.ENPHASE_CLIENT_ID}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**enphase, "client_secret": sc.ENPHASE_CLIENT_SECRET}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert sorted(result["data"]["vendor_credentials"]) == ["enphase", "sma"]


async def test_account_retry_keeps_the_secret_unless_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await _account_step(hass)
    refused = _account(simulator, secret="wrong")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], refused)
    assert result["errors"] == {"base": "invalid_client"}
    assert "client_secret" not in _suggested(result)
    unreachable = _account(simulator)
    unreachable[CONF_ADVANCED] = {**unreachable[CONF_ADVANCED], "auth_url": "http://127.0.0.1:9"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], unreachable)
    assert result["errors"] == {"base": "cannot_connect"}
    assert _suggested(result)["client_secret"] == sc.CLIENT_SECRET
