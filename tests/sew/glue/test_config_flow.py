"""The SEW config flow against the fake utility: picker, custom URL, sign-in errors, code,
account and meter choice, reconfigure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.sew import Flavor
from custom_components.home_energy_cloud.const import (
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_VENDOR,
    DOMAIN,
)
from custom_components.home_energy_cloud.sew.const import (
    CONF_ACCOUNT,
    CONF_ENCRYPTED,
    CONF_FLAVOR,
    CONF_METERS,
    CONF_TRUSTED_DEVICE_ID,
    CONF_UTILITY,
)
from simulator import Simulator
from simulator.sew import (
    CABIN_ACCOUNT,
    ELECTRIC_METER,
    HOME_ACCOUNT,
    PASSWORD,
    SECURE_ACCOUNT,
    TFA_PASSWORD,
    TFA_USERNAME,
    USERNAME,
    SewCloud,
)

from ..conftest import HOSTS
from .conftest import REGISTRY_UTILITY, settle, sew_entry_data

pytestmark = pytest.mark.usefixtures("sew_fast_import")


async def _utility_step(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert "sew" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "sew"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sew"
    return result


async def _credentials_step(
    hass: HomeAssistant, flavor: Flavor, typed: str | None = None
) -> dict[str, Any]:
    result = await _utility_step(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_UTILITY: typed or REGISTRY_UTILITY[flavor]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sew_credentials"
    return result


def _sign_in(
    simulator: Simulator,
    flavor: Flavor,
    username: str = USERNAME,
    password: str = PASSWORD,
    **advanced: Any,
) -> dict[str, Any]:
    return {
        CONF_USERNAME: username,
        CONF_PASSWORD: password,
        CONF_ADVANCED: {CONF_BASE_URL: simulator.host_url("sew", HOSTS[flavor]), **advanced},
    }


async def test_listed_utility_wrong_password_then_account_and_meters(
    hass: HomeAssistant, simulator: Simulator, flavor: Flavor
) -> None:
    result = await _credentials_step(hass, flavor)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, _sign_in(simulator, flavor, password="not-it")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "sew_invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, _sign_in(simulator, flavor))
    # Two accounts: pick one; it has two meters: pick them.
    assert result["step_id"] == "sew_account"
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_ACCOUNT: HOME_ACCOUNT})
    assert result["step_id"] == "sew_meters"
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_METERS: []})
    assert result["errors"] == {CONF_METERS: "sew_no_meter_chosen"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_METERS: [ELECTRIC_METER]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"].endswith(" (•••4567)")
    data = result["data"]
    assert data[CONF_VENDOR] == "sew"
    assert data[CONF_UTILITY] == REGISTRY_UTILITY[flavor]
    assert data[CONF_ACCOUNT] == HOME_ACCOUNT
    assert data[CONF_METERS] == [ELECTRIC_METER]
    assert data[CONF_BASE_URL] == simulator.host_url("sew", HOSTS[flavor])
    assert data[CONF_TRUSTED_DEVICE_ID]
    assert result["result"].unique_id == f"sew:{REGISTRY_UTILITY[flavor]}:{HOME_ACCOUNT}"
    await settle(hass)

    # The same account again is refused; the other account of the login is not.
    result = await _credentials_step(hass, flavor)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCOUNT: HOME_ACCOUNT}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    result = await _credentials_step(hass, flavor)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCOUNT: CABIN_ACCOUNT}
    )
    # One meter: no meter step.
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_METERS not in result["data"]
    await settle(hass)


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
async def test_utility_found_by_typing_part_of_its_name(
    hass: HomeAssistant, flavor: Flavor
) -> None:
    await _credentials_step(hass, flavor, typed="nebraska")
    result = await _utility_step(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_UTILITY: "no such utility"}
    )
    assert result["errors"] == {CONF_UTILITY: "sew_utility_not_found"}


async def test_other_utility_with_its_url_and_flavor(
    hass: HomeAssistant, simulator: Simulator, flavor: Flavor
) -> None:
    result = await _utility_step(hass)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_UTILITY: "other"})
    assert result["step_id"] == "sew_custom"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_BASE_URL: "not a url", CONF_FLAVOR: flavor.value, CONF_ENCRYPTED: True}
    )
    assert result["errors"] == {CONF_BASE_URL: "invalid_base_url"}
    url = simulator.host_url("sew", HOSTS[flavor])
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_BASE_URL: url + "/", CONF_FLAVOR: flavor.value, CONF_ENCRYPTED: True}
    )
    assert result["step_id"] == "sew_credentials"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_ACCOUNT: CABIN_ACCOUNT})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_BASE_URL] == url
    assert result["data"][CONF_FLAVOR] == flavor.value
    assert result["title"] == "Other SEW utility (•••4321)"
    await settle(hass)


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
async def test_encryption_mismatch_suggests_the_other_setting(
    hass: HomeAssistant, simulator: Simulator, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    sew_cloud.host_settings("portal_a").key = "SomeOtherKey1234"
    result = await _credentials_step(hass, flavor)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor)
    )
    assert result["errors"] == {"base": "sew_encryption_try_off"}
    # The utility switched encryption off: turning it off here works.
    sew_cloud.host_settings("portal_a").encrypted = False
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor, **{CONF_ENCRYPTED: False})
    )
    assert result["step_id"] == "sew_account"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCOUNT: CABIN_ACCOUNT}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ENCRYPTED] is False
    await settle(hass)


async def test_unreachable_utility(
    hass: HomeAssistant, simulator: Simulator, flavor: Flavor, unused_tcp_port: int
) -> None:
    result = await _credentials_step(hass, flavor)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_USERNAME: USERNAME,
            CONF_PASSWORD: PASSWORD,
            CONF_ADVANCED: {CONF_BASE_URL: f"http://127.0.0.1:{unused_tcp_port}"},
        },
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_maintenance(
    hass: HomeAssistant, simulator: Simulator, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    sew_cloud.backend.maintenance = True
    result = await _credentials_step(hass, flavor)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor)
    )
    assert result["errors"] == {"base": "sew_maintenance"}


async def test_a_login_without_meters(
    hass: HomeAssistant, simulator: Simulator, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    user = sew_cloud.backend.find_user(USERNAME)
    assert user is not None
    user.accounts = tuple(replace(account, meters=()) for account in user.accounts)
    result = await _credentials_step(hass, flavor)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor)
    )
    assert result["step_id"] == "sew_account"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCOUNT: HOME_ACCOUNT}
    )
    assert result["errors"] == {"base": "sew_no_meters"}


async def test_second_factor_code_step(
    hass: HomeAssistant, simulator: Simulator, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    result = await _credentials_step(hass, flavor)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, _sign_in(simulator, flavor, TFA_USERNAME, TFA_PASSWORD)
    )
    assert result["step_id"] == "sew_code"
    assert result["description_placeholders"] == {"destination": "s*****@example.com"}
    code = sew_cloud.otp_for(TFA_USERNAME)
    assert code is not None
    wrong = "000000" if code != "000000" else "111111"
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": wrong})
    assert result["errors"] == {"code": "sew_invalid_code"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ACCOUNT] == SECURE_ACCOUNT
    user = sew_cloud.backend.find_user(TFA_USERNAME)
    assert user is not None
    assert result["data"][CONF_TRUSTED_DEVICE_ID] in user.trusted_devices
    await settle(hass)


async def test_reconfigure_changes_the_sign_in_of_the_same_account(
    hass: HomeAssistant, simulator: Simulator, setup_sew: MockConfigEntry, flavor: Flavor
) -> None:
    result = await setup_sew.start_reconfigure_flow(hass)
    assert result["step_id"] == "sew_credentials"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor, username=USERNAME.upper())
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await settle(hass)
    assert setup_sew.data[CONF_USERNAME] == USERNAME.upper()
    assert setup_sew.data[CONF_ACCOUNT] == HOME_ACCOUNT


async def test_reconfigure_refuses_another_login(
    hass: HomeAssistant, simulator: Simulator, setup_sew: MockConfigEntry, flavor: Flavor
) -> None:
    result = await setup_sew.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor, TFA_USERNAME, TFA_PASSWORD)
    )
    assert result["step_id"] == "sew_code"


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
async def test_the_utility_picker_starts_without_a_choice(
    hass: HomeAssistant, flavor: Flavor
) -> None:
    """Not the first option's raw id: the combo box starts empty."""
    result = await _utility_step(hass)
    field = next(iter(result["data_schema"].schema))
    assert str(field) == CONF_UTILITY
    assert field.default() == ""
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_UTILITY: ""})
    assert result["errors"] == {CONF_UTILITY: "sew_utility_not_found"}


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
async def test_reconfigure_of_other_utility_changes_its_url_and_flavor(
    hass: HomeAssistant, simulator: Simulator, flavor: Flavor, sew_fast_import: None
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Other SEW utility (•••4567)",
        unique_id=f"sew:other:{HOME_ACCOUNT}",
        data={
            **sew_entry_data(simulator, Flavor.PORTAL),
            CONF_UTILITY: "other",
            CONF_FLAVOR: Flavor.PORTAL.value,
            CONF_ENCRYPTED: True,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "sew_custom"
    fields = {str(key): key.default() for key in result["data_schema"].schema}
    assert fields == {
        CONF_BASE_URL: simulator.host_url("sew", HOSTS[Flavor.PORTAL]),
        CONF_FLAVOR: Flavor.PORTAL.value,
        CONF_ENCRYPTED: True,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_URL: "nope", CONF_FLAVOR: "B", CONF_ENCRYPTED: False}
    )
    assert result["errors"] == {CONF_BASE_URL: "invalid_base_url"}
    api = simulator.host_url("sew", HOSTS[Flavor.API])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BASE_URL: api, CONF_FLAVOR: "B", CONF_ENCRYPTED: False}
    )
    assert result["step_id"] == "sew_credentials"
    fields = {str(key): key for key in result["data_schema"].schema}
    assert fields[CONF_USERNAME].default() == USERNAME
    assert CONF_ADVANCED not in fields
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await settle(hass)
    assert entry.data[CONF_BASE_URL] == api
    assert entry.data[CONF_FLAVOR] == Flavor.API.value
    assert entry.data[CONF_ACCOUNT] == HOME_ACCOUNT
    assert entry.runtime_data.client.utility.flavor is Flavor.API


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
async def test_the_advanced_section_shows_the_utility_s_own_url(
    hass: HomeAssistant, simulator: Simulator, flavor: Flavor
) -> None:
    """Not the vendor's reference host; an invalid URL opens the section."""
    result = await _credentials_step(hass, flavor)
    fields = {str(key): key for key in result["data_schema"].schema}
    section = result["data_schema"].schema[fields[CONF_ADVANCED]]
    assert section.options["collapsed"] is True
    inner = {str(key): key.default() for key in section.schema.schema}
    assert inner == {CONF_BASE_URL: "https://onlineaccount.nppd.com", CONF_ENCRYPTED: True}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _sign_in(simulator, flavor, **{CONF_BASE_URL: "not a url"})
    )
    assert result["errors"] == {CONF_ADVANCED: "invalid_base_url"}
    fields = {str(key): key for key in result["data_schema"].schema}
    assert result["data_schema"].schema[fields[CONF_ADVANCED]].options["collapsed"] is False
