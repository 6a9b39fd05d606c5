"""The config flow: vendor menu, the Electra Smart steps, reauth and reconfigure."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.home_energy_cloud import config_flow
from custom_components.home_energy_cloud.api.electra import DEFAULT_BASE_URL
from custom_components.home_energy_cloud.config_flow_base import (
    HomeEnergyCloudFlowBase,
    normalize_base_url,
)
from custom_components.home_energy_cloud.const import (
    CONF_ADVANCED,
    CONF_BASE_URL,
    CONF_VENDOR,
    DOMAIN,
)
from custom_components.home_energy_cloud.vendors import VENDORS
from simulator import Simulator
from simulator.electra import SECOND_PHONE

from .conftest import ELECTRA_PHONE

pytestmark = pytest.mark.usefixtures("electra_client_timing")


def _input(phone: str, base_url: str | None) -> dict[str, Any]:
    if base_url is None:
        return {"phone": phone}
    return {"phone": phone, CONF_ADVANCED: {CONF_BASE_URL: base_url}}


async def _start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "electra"}
    )


async def _phone_step(
    hass: HomeAssistant, simulator: Simulator, phone: str = ELECTRA_PHONE
) -> dict[str, Any]:
    result = await _start(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _input(phone, simulator.base_url("electra")),
    )


def _code(simulator: Simulator, phone: str = ELECTRA_PHONE) -> str:
    code = simulator.cloud("electra").otp_for(phone)
    assert code is not None
    return code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10000:04d}"


async def test_menu_lists_exactly_the_registered_vendors(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert list(result["menu_options"]) == list(VENDORS) == ["electra", "kiwigrid", "sew", "derapi"]


async def test_electra_login_creates_the_entry(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "electra"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        # International form, spaces and dashes: stored in the local form the cloud expects.
        _input("+972 50-123-4567", simulator.base_url("electra") + "/"),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "electra_otp"
    assert result["description_placeholders"] == {"phone": "050-•••-4567"}
    code = _code(simulator)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": code})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == "electra:0501234567"
    assert entry.title == "Electra Smart (050-•••-4567)"
    assert set(entry.data) == {CONF_VENDOR, "phone", "imei", "token", CONF_BASE_URL}
    assert entry.data[CONF_VENDOR] == "electra"
    assert entry.data["phone"] == "0501234567"
    assert entry.data["imei"].startswith("2b950000")
    assert entry.data[CONF_BASE_URL] == simulator.base_url("electra")
    assert code not in entry.data.values()
    # The stored token is the one the cloud issued for this IMEI: the entry loads with it.
    assert entry.state.name == "LOADED"
    assert hass.states.async_entity_ids("climate")
    # The entry continues the session the flow signed in with: no VALIDATE_TOKEN spent, so
    # the one allowed per 10 minutes is there when the cloud refuses that session.
    assert simulator.cloud("electra").validate_calls == 0


async def test_a_token_revoked_after_set_up_asks_for_reauth_at_the_next_poll(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    result = await _phone_step(hass, simulator)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": _code(simulator)}
    )
    await hass.async_block_till_done()
    entry = result["result"]
    simulator.cloud("electra").revoke_tokens(ELECTRA_PHONE)

    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert simulator.cloud("electra").validate_calls == 1
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_base_url_is_in_a_collapsed_section(hass: HomeAssistant) -> None:
    result = await _start(hass)
    fields = {str(key): value for key, value in result["data_schema"].schema.items()}
    assert set(fields) == {"phone", CONF_ADVANCED}
    # What the frontend gets: a required section without a default of its own, so it shows the
    # field's default (a section default would be shown as is and leave the field empty).
    section_key = next(key for key in result["data_schema"].schema if str(key) == CONF_ADVANCED)
    assert section_key.default is vol.UNDEFINED
    assert isinstance(section_key, vol.Required)
    advanced = fields[CONF_ADVANCED]
    assert advanced.options["collapsed"] is True
    assert advanced.schema({}) == {CONF_BASE_URL: DEFAULT_BASE_URL}


@pytest.mark.parametrize(
    "base_url",
    ["ftp://127.0.0.1/electra", "not a url", "http://", "http://host:port/", "https://u:p@host/x"],
)
async def test_invalid_base_url_is_refused(
    hass: HomeAssistant, simulator: Simulator, base_url: str
) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(ELECTRA_PHONE, base_url)
    )
    assert result["type"] is FlowResultType.FORM
    # Beside the section that holds the field, and the section open so the field is in sight.
    assert result["errors"] == {CONF_ADVANCED: "invalid_base_url"}
    fields = {str(key): value for key, value in result["data_schema"].schema.items()}
    assert fields[CONF_ADVANCED].options["collapsed"] is False
    assert simulator.cloud("electra").otp_for(ELECTRA_PHONE) is None
    assert not hass.config_entries.async_entries(DOMAIN)


def test_normalize_base_url() -> None:
    assert normalize_base_url(" https://proxy.example/electra/ ") == "https://proxy.example/electra"
    assert normalize_base_url("http://127.0.0.1:8300/electra") == "http://127.0.0.1:8300/electra"
    assert normalize_base_url("https://host/?q=1") is None
    assert normalize_base_url("http://[::1") is None
    assert normalize_base_url("http://has a space") is None


@pytest.mark.parametrize(
    ("typed", "default_scheme", "expected"),
    [
        ("https://utility.example/", None, "https://utility.example"),
        ("utility.example", None, None),
        ("em.local:8080", "http", "em.local:8080"),
        ("http://em.local/", "http", "http://em.local"),
        ("has a space", "http", None),
    ],
)
def test_a_main_field_endpoint_is_checked_like_the_advanced_ones(
    typed: str, default_scheme: str | None, expected: str | None
) -> None:
    """Errors land under the field's own key, with the error the form names."""
    errors: dict[str, str] = {}
    field, url = HomeEnergyCloudFlowBase.main_endpoint(
        "url", {"url": f" {typed} "}, {}, errors, default_scheme=default_scheme, error="bad"
    )
    assert url == expected
    assert errors == ({} if expected else {"url": "bad"})
    assert [str(key) for key in field] == ["url"]
    # Nothing entered yet: the current value is shown and nothing is checked.
    field, url = HomeEnergyCloudFlowBase.main_endpoint("url", None, {"url": "x"}, errors)
    assert url is None
    assert next(iter(field)).default() == "x"


@pytest.mark.parametrize("phone", ["12345", "0401234567", "+1 650 555 0100", ""])
async def test_invalid_phone_then_recover(
    hass: HomeAssistant, simulator: Simulator, phone: str
) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(phone, simulator.base_url("electra"))
    )
    assert result["errors"] == {"phone": "invalid_phone"}
    # The form keeps what the user typed, so a typo is a one-character fix.
    fields = {str(key): value for key, value in result["data_schema"].schema.items()}
    assert fields[CONF_ADVANCED].schema({}) == {CONF_BASE_URL: simulator.base_url("electra")}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(ELECTRA_PHONE, simulator.base_url("electra"))
    )
    assert result["step_id"] == "electra_otp"


async def test_unregistered_phone(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _phone_step(hass, simulator, phone="0509999999")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unregistered_phone"}


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"disconnects": 1}, "cannot_connect"),
        ({"http_errors": 1, "http_error_status": 502}, "cannot_connect"),
        ({"malformed": 1}, "bad_reply"),
    ],
)
async def test_cloud_faults_on_send_code_then_recover(
    hass: HomeAssistant, simulator: Simulator, fault: dict[str, Any], error: str
) -> None:
    simulator.faults("electra").update(fault)
    result = await _phone_step(hass, simulator)
    assert result["errors"] == {"base": error}
    # The fault was one request long: submitting again goes through.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(ELECTRA_PHONE, simulator.base_url("electra"))
    )
    assert result["step_id"] == "electra_otp"


async def test_wrong_code_then_right_code(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _phone_step(hass, simulator)
    code = _code(simulator)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": "12a4"})
    assert result["errors"] == {"code": "invalid_code_format"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": _wrong(code)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"code": "invalid_code"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_resend_code(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _phone_step(hass, simulator)
    first = _code(simulator)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"resend": True})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "electra_otp_resent"
    assert result["errors"] == {}
    second = _code(simulator)
    sends = [cmd for cmd, _, _ in simulator.cloud("electra").requests if cmd == "SEND_OTP"]
    assert len(sends) == 2
    if second != first:
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": first})
        assert result["errors"] == {"code": "invalid_code"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": second})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_resend_failure_is_shown(hass: HomeAssistant, simulator: Simulator) -> None:
    result = await _phone_step(hass, simulator)
    simulator.faults("electra").update({"disconnects": 1})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"resend": True})
    assert result["step_id"] == "electra_otp"
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize(
    ("fault", "error"), [({"disconnects": 1}, "cannot_connect"), ({"malformed": 1}, "bad_reply")]
)
async def test_cloud_faults_on_check_code(
    hass: HomeAssistant, simulator: Simulator, fault: dict[str, Any], error: str
) -> None:
    result = await _phone_step(hass, simulator)
    code = _code(simulator)
    simulator.faults("electra").update(fault)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": code})
    assert result["errors"] == {"base": error}
    assert not hass.config_entries.async_entries(DOMAIN)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"code": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_errors_are_caught(hass: HomeAssistant, simulator: Simulator) -> None:
    # A bug of ours must not leave the user with a broken form: mocked, as the simulator
    # cannot make the client itself fail.
    target = "custom_components.home_energy_cloud.api.electra.ElectraClient"
    with patch(f"{target}.send_otp", side_effect=RuntimeError("boom")):
        result = await _phone_step(hass, simulator)
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(ELECTRA_PHONE, simulator.base_url("electra"))
    )
    with patch(f"{target}.check_otp", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"code": _code(simulator)}
        )
    assert result["errors"] == {"base": "unknown"}


async def test_same_account_twice_is_refused(
    hass: HomeAssistant, simulator: Simulator, electra_entry: MockConfigEntry
) -> None:
    result = await _phone_step(hass, simulator, phone="050 123 4567")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_replaces_token_and_imei(
    hass: HomeAssistant, simulator: Simulator, setup_electra: MockConfigEntry
) -> None:
    entry = setup_electra
    old = dict(entry.data)
    climates = hass.states.async_entity_ids("climate")

    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "electra_reauth"
    assert result["description_placeholders"]["phone"] == "050-•••-4567"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "electra_otp"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": _code(simulator)}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    # No translation domain: the frontend shows the integration's own text, not the generic one.
    assert result.get("translation_domain") is None
    assert entry.data["token"] != old["token"]
    assert entry.data["imei"] != old["imei"]
    assert {k: v for k, v in entry.data.items() if k not in ("token", "imei")} == {
        k: v for k, v in old.items() if k not in ("token", "imei")
    }
    assert entry.state.name == "LOADED"
    assert hass.states.async_entity_ids("climate") == climates


async def test_reauth_send_failure_is_shown(
    hass: HomeAssistant, simulator: Simulator, electra_entry: MockConfigEntry
) -> None:
    result = await electra_entry.start_reauth_flow(hass)
    simulator.faults("electra").update({"http_errors": 1})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "electra_reauth"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_reconfigure_logs_in_again(
    hass: HomeAssistant, simulator: Simulator, electra_entry: MockConfigEntry
) -> None:
    result = await electra_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "electra"
    fields = {str(key): value for key, value in result["data_schema"].schema.items()}
    phone_key = next(key for key in result["data_schema"].schema if str(key) == "phone")
    assert phone_key.default() == ELECTRA_PHONE
    assert fields[CONF_ADVANCED].schema({}) == {CONF_BASE_URL: simulator.base_url("electra")}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(ELECTRA_PHONE, simulator.base_url("electra"))
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": _code(simulator)}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert result.get("translation_domain") is None
    assert electra_entry.data[CONF_BASE_URL] == simulator.base_url("electra")


async def test_reconfigure_to_another_account_is_refused(
    hass: HomeAssistant, simulator: Simulator, electra_entry: MockConfigEntry
) -> None:
    result = await electra_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _input(SECOND_PHONE, simulator.base_url("electra"))
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_reauth_and_reconfigure_of_an_unknown_vendor_abort(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_VENDOR: "gone"}, unique_id="gone:1")
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["reason"] == "unknown_vendor"
    result = await entry.start_reconfigure_flow(hass)
    assert result["reason"] == "unknown_vendor"


async def test_only_vendors_with_options_offer_them(
    hass: HomeAssistant, electra_entry: MockConfigEntry
) -> None:
    """The options flow belongs to the entry's vendor; Electra has none."""
    assert not config_flow.HomeEnergyCloudConfigFlow.async_supports_options(electra_entry)
    derapi_entry = MockConfigEntry(domain=DOMAIN, data={CONF_VENDOR: "derapi"})
    assert config_flow.HomeEnergyCloudConfigFlow.async_supports_options(derapi_entry)
