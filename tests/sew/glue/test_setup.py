"""The SEW entry against the fake utility: devices, every sensor's value, outage, reauth,
diagnostics and the import_history action."""

from __future__ import annotations

from datetime import timedelta
import json

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, UnitOfVolume
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import VolumeConverter
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.home_energy_cloud.api.sew import Flavor, SewClient
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.sew.const import CONF_ACCOUNT, CONF_TRUSTED_DEVICE_ID
from simulator import Simulator
from simulator.sew import (
    ELECTRIC_METER,
    HOME_ACCOUNT,
    HOME_UTILITY_ACCOUNT,
    PASSWORD,
    SECURE_ACCOUNT,
    TFA_PASSWORD,
    TFA_USERNAME,
    TIME_ZONE,
    USERNAME,
    WATER_METER,
    SewCloud,
)
from simulator.sew.readings import day_readings

from ..test_data import home, sim_meter
from .conftest import REGISTRY_UTILITY, settle, sew_entry_data
from .test_statistics import assert_continuous, stat_id, stat_rows, utility_today

REDACTED = "**REDACTED**"


def state_of(hass: HomeAssistant, unique_id: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id)
    assert entity_id is not None, unique_id
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def meter_uid(flavor: Flavor, meter: str) -> str:
    return f"sew_{REGISTRY_UTILITY[flavor]}_{HOME_ACCOUNT}_{meter}"


async def test_devices_one_per_meter_via_the_account(
    hass: HomeAssistant, setup_sew: MockConfigEntry, flavor: Flavor
) -> None:
    registry = dr.async_get(hass)
    devices = {
        next(iter(device.identifiers))[1]: device
        for device in dr.async_entries_for_config_entry(registry, setup_sew.entry_id)
    }
    account_uid = f"sew_{REGISTRY_UTILITY[flavor]}_{HOME_ACCOUNT}"
    assert set(devices) == {
        account_uid,
        meter_uid(flavor, ELECTRIC_METER),
        meter_uid(flavor, WATER_METER),
    }
    account = devices[account_uid]
    for meter in (ELECTRIC_METER, WATER_METER):
        assert devices[meter_uid(flavor, meter)].via_device_id == account.id


async def test_every_sensor_shows_the_utility_s_figures(
    hass: HomeAssistant,
    setup_sew: MockConfigEntry,
    client: SewClient,
    sew_cloud: SewCloud,
    flavor: Flavor,
) -> None:
    account, electric, water = await home(client)
    bill = await client.get_bill(account)
    today = utility_today()
    prefix = f"sew_{REGISTRY_UTILITY[flavor]}_{HOME_ACCOUNT}"
    assert float(state_of(hass, f"{prefix}_last_bill_amount")) == bill.amount
    assert float(state_of(hass, f"{prefix}_account_balance")) == bill.balance
    assert state_of(hass, f"{prefix}_bill_due_date") == str(bill.due_date)

    to_litres = VolumeConverter.converter_factory(UnitOfVolume.GALLONS, UnitOfVolume.LITERS)
    for meter, convert in ((electric, float), (water, to_litres)):
        uid = meter_uid(flavor, meter.meter_number)
        summary = (await client.get_monthly_usage(account, meter, today)).summary
        assert summary is not None
        for key, value in (
            ("usage_to_date", summary.so_far),
            ("projected_usage", summary.projected),
        ):
            assert value is not None
            assert float(state_of(hass, f"{uid}_{key}")) == pytest.approx(convert(value))
        for key, value in (
            ("cost_to_date", summary.so_far_cost),
            ("projected_cost", summary.projected_cost),
        ):
            assert float(state_of(hass, f"{uid}_{key}")) == value

        # The newest day whose every hour is final, and when its last reading ended.
        state = setup_sew.runtime_data.importer.states[uid]
        assert state.latest_day is not None
        assert (today - state.latest_day).days <= 4
        slots = day_readings(sim_meter(sew_cloud, meter.meter_number), TIME_ZONE, state.latest_day)
        assert float(state_of(hass, f"{uid}_latest_daily_usage")) == pytest.approx(
            # Older Home Assistant rounds converted units to the display precision.
            convert(sum(slot.imported for slot in slots)),
            rel=1e-3,
        )
        newest = slots[-1].start + timedelta(hours=1)
        assert dt_util.parse_datetime(state_of(hass, f"{uid}_data_freshness")) == newest


async def test_units_and_classes_fit_the_dashboards(
    hass: HomeAssistant, setup_sew: MockConfigEntry, flavor: Flavor
) -> None:
    registry = er.async_get(hass)
    electric = meter_uid(flavor, ELECTRIC_METER)
    water = meter_uid(flavor, WATER_METER)
    usage_id = registry.async_get_entity_id("sensor", DOMAIN, f"{electric}_usage_to_date")
    usage = registry.async_get(usage_id or "")
    assert usage is not None
    state = hass.states.get(usage.entity_id)
    assert state is not None
    assert state.attributes["device_class"] == "energy"
    assert state.attributes["state_class"] == "total"
    assert state.attributes["unit_of_measurement"] == "kWh"
    water_id = registry.async_get_entity_id("sensor", DOMAIN, f"{water}_usage_to_date")
    assert water_id is not None
    water_state = hass.states.get(water_id)
    assert water_state is not None
    assert water_state.attributes["device_class"] == "water"
    cost_id = registry.async_get_entity_id("sensor", DOMAIN, f"{electric}_cost_to_date")
    assert cost_id is not None
    cost = hass.states.get(cost_id)
    assert cost is not None
    assert cost.attributes["device_class"] == "monetary"
    assert cost.attributes["unit_of_measurement"] == "USD"
    freshness = registry.async_get(
        registry.async_get_entity_id("sensor", DOMAIN, f"{electric}_data_freshness") or ""
    )
    assert freshness is not None
    assert freshness.entity_category == "diagnostic"


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
@pytest.mark.parametrize("active", [True, False])
async def test_outage_sensor_where_licensed(
    hass: HomeAssistant, sew_entry: MockConfigEntry, sew_cloud: SewCloud, active: bool
) -> None:
    sew_cloud.backend.outage_accounts = {HOME_ACCOUNT} if active else set()
    assert await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"sew_nppd_{HOME_ACCOUNT}_outage"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == ("on" if active else "off")


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
async def test_no_outage_sensor_where_not_licensed(
    hass: HomeAssistant, sew_entry: MockConfigEntry, sew_cloud: SewCloud
) -> None:
    settings = sew_cloud.host_settings("portal_a")
    settings.modules = set(settings.modules) - {"Outage"}
    assert await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)
    assert sew_entry.state is ConfigEntryState.LOADED
    entities = er.async_entries_for_config_entry(er.async_get(hass), sew_entry.entry_id)
    assert not [e for e in entities if e.domain == "binary_sensor"]


async def test_wrong_password_asks_for_reauth_and_the_right_one_fixes_it(
    hass: HomeAssistant, sew_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        sew_entry, data={**sew_entry.data, CONF_PASSWORD: "wrong"}
    )
    assert not await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)
    assert sew_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    flow_id = flows[0]["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: "again"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "sew_invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: PASSWORD})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await settle(hass)
    assert sew_entry.data[CONF_PASSWORD] == PASSWORD
    assert sew_entry.state is ConfigEntryState.LOADED


async def test_a_second_factor_while_polling_asks_for_reauth_with_a_code(
    hass: HomeAssistant,
    simulator: Simulator,
    sew_cloud: SewCloud,
    flavor: Flavor,
    sew_fast_import: None,
) -> None:
    """An untrusted device gets a code request: reauth, where the code step follows."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"sew:{REGISTRY_UTILITY[flavor]}:{SECURE_ACCOUNT}",
        data={
            **sew_entry_data(simulator, flavor, account=SECURE_ACCOUNT),
            "username": TFA_USERNAME,
            CONF_PASSWORD: TFA_PASSWORD,
        },
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    flow_id = flows[0]["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: TFA_PASSWORD})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sew_code"
    code = sew_cloud.otp_for(TFA_USERNAME)
    assert code is not None
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": code})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await settle(hass)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_ACCOUNT] == SECURE_ACCOUNT
    # The device the utility now trusts is kept, so later logins need no code.
    user = sew_cloud.backend.find_user(TFA_USERNAME)
    assert user is not None
    assert entry.data[CONF_TRUSTED_DEVICE_ID] in user.trusted_devices


async def test_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_sew: MockConfigEntry,
    flavor: Flavor,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_sew)
    assert diagnostics["vendor"] == "sew"
    data = diagnostics["entry"]["data"]
    assert data["username"] == data["password"] == data[CONF_TRUSTED_DEVICE_ID] == REDACTED
    assert data[CONF_ACCOUNT] == REDACTED
    vendor = diagnostics["data"]
    assert vendor["account"]["address"] == REDACTED
    assert len(vendor["meter_devices"]) == 2
    assert all(meter["meter"]["meter_number"] == REDACTED for meter in vendor["meter_devices"])
    assert vendor["meter_devices"][0]["summary"]  # useful content stays
    device = next(
        device
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), setup_sew.entry_id)
        if (DOMAIN, meter_uid(flavor, ELECTRIC_METER)) in device.identifiers
    )
    device_diagnostics = await get_diagnostics_for_device(hass, hass_client, setup_sew, device)
    texts = [json.dumps(diagnostics), json.dumps(device_diagnostics)]
    secrets = [
        USERNAME,
        PASSWORD,
        setup_sew.data[CONF_TRUSTED_DEVICE_ID],
        HOME_ACCOUNT,
        HOME_UTILITY_ACCOUNT,
        ELECTRIC_METER,
        WATER_METER,
        "Prairie",
    ]
    for text in texts:
        for secret in secrets:
            assert secret not in text


async def test_import_history_rewrites_a_range_and_keeps_the_chain(
    hass: HomeAssistant, setup_sew: MockConfigEntry, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    consumption = stat_id(flavor, ELECTRIC_METER, "energy", "consumption")
    before = await stat_rows(hass, consumption)
    today = utility_today()
    requests = len(sew_cloud.backend.usage_requests)
    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {
            "config_entry_id": setup_sew.entry_id,
            "start_date": str(today - timedelta(days=10)),
            "end_date": str(today - timedelta(days=8)),
        },
        blocking=True,
        return_response=True,
    )
    await settle(hass)
    assert response is not None
    assert response["days"] == 3 * 2  # three days of two meters
    assert len(sew_cloud.backend.usage_requests) - requests == 6
    after = await stat_rows(hass, consumption)
    assert_continuous(after)
    assert after == before  # the same data again: nothing moves


async def test_import_history_refuses_other_entries(
    hass: HomeAssistant, setup_sew: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"config_entry_id": "nope", "start_date": "2026-01-01"},
            blocking=True,
            return_response=True,
        )
