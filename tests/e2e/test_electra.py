"""Electra Smart in the browser: set-up, a thermostat change, a wrong SMS code, reauth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
import re
from typing import Any
from urllib.parse import quote

from playwright.sync_api import expect
import pytest

from simulator.electra.scenario import PRIMARY_PHONE, SECOND_PHONE, SECOND_UNIT_ID

from . import ui
from .browser import BrowserSession
from .harness import HomeAssistantProcess, SimulatorProcess, wait_until

KITCHEN = "מטבח"  # the second account's only unit (a Midea heating to 22 °C)
PRIMARY_UNITS = {"סלון", "חדר שינה", "Office", "חדר ילדים"}

# Home Assistant's start comes with the first test.
pytestmark = pytest.mark.timeout(420)


def _otp(sim: SimulatorProcess, phone: str) -> str:
    code: str = sim.control("GET", f"electra/otp?phone={phone}")["code"]
    return code


def _unit(sim: SimulatorProcess, device_id: int) -> dict[str, Any]:
    units = sim.control("GET", "electra/units")["units"]
    return next(unit for unit in units if unit["id"] == device_id)


def _telemetry_reads(sim: SimulatorProcess) -> int:
    reads: int = sim.control("GET", "electra/stats")["requests"].get("GET_LAST_TELEMETRY", 0)
    return reads


def _reauth_flow(home_assistant: HomeAssistantProcess) -> Callable[[], bool]:
    def started() -> bool:
        flows = home_assistant.ws({"type": "config_entries/flow/progress"})
        return any(flow["context"].get("source") == "reauth" for flow in flows)

    return started


def test_add_account_and_change_a_thermostat(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 1: the wizard adds the second account; a set-point and mode change reaches
    the unit, and the card shows the state read back from it."""
    ui.open_vendor_menu(session)
    session.shot("vendor menu")
    ui.electra_phone_step(session, SECOND_PHONE, simulator.base_url("electra"))
    session.shot("phone step")
    ui.submit(session)
    ui.expect_code_step(session)
    session.shot("code step")
    ui.enter_code(session, _otp(simulator, SECOND_PHONE))
    session.shot("devices found")
    assert ui.finish_devices(session) == [KITCHEN]

    ui.open_device(session, KITCHEN)
    session.shot("device page")
    dialog = ui.open_more_info(session, KITCHEN)
    expect(dialog.get_by_role("button", name="Mode Heat")).to_be_visible()
    expect(dialog.locator("ha-big-number").first).to_contain_text("22")
    session.shot("thermostat before")

    ui.thermostat_step(dialog, +1)
    expect(dialog.locator("ha-big-number").first).to_contain_text("23")
    # The frontend sends a set-point change once the user stops pressing.
    wait_until(
        "the simulator to receive SPT 23",
        lambda: _unit(simulator, SECOND_UNIT_ID)["oper"].get("SPT") == "23",
    )
    ui.choose_mode(dialog, "Cool")
    commands = wait_until(
        "the simulator to receive AC_MODE COOL",
        lambda: [
            command
            for command in simulator.control("GET", "electra/commands")["commands"]
            if command["device_id"] == SECOND_UNIT_ID and command["oper"].get("AC_MODE") == "COOL"
        ],
    )
    assert commands
    reads_after_command = _telemetry_reads(simulator)
    wait_until(
        "the integration to read the unit back",
        lambda: _telemetry_reads(simulator) > reads_after_command,
    )
    oper = _unit(simulator, SECOND_UNIT_ID)["oper"]
    assert (oper["AC_MODE"], oper["SPT"]) == ("COOL", "23")
    state = home_assistant.state("climate.mtbkh")
    assert (state["state"], state["attributes"]["temperature"]) == ("cool", 23)
    expect(dialog.get_by_role("button", name="Mode Cool")).to_be_visible()
    expect(dialog.locator("ha-big-number").first).to_contain_text("23")
    session.shot("thermostat confirmed")
    session.assert_no_integration_errors()


def test_refused_command_leaves_no_trace(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 2: the unit ignores a mode change. A translated error says so, the card keeps
    the unit's true mode, and neither the history nor the logbook holds the requested one."""
    started = datetime.now(UTC).isoformat()
    home_assistant.add_electra_entry(simulator, SECOND_PHONE)
    wait_until("the thermostat", lambda: home_assistant.state("climate.mtbkh")["state"] == "heat")
    # More than the integration's retries: the unit answers success and changes nothing.
    simulator.control("POST", f"electra/units/{SECOND_UNIT_ID}/ignore_commands", {"count": 20})

    ui.open_device(session, KITCHEN)
    dialog = ui.open_more_info(session, KITCHEN)
    expect(dialog.get_by_role("button", name="Mode Heat")).to_be_visible()
    ui.pick_from_menu(dialog, dialog.get_by_role("button", name=re.compile(r"^Mode ")), "Cool")
    wait_until(
        "the simulator to receive AC_MODE COOL",
        lambda: any(
            command["device_id"] == SECOND_UNIT_ID and command["oper"].get("AC_MODE") == "COOL"
            for command in simulator.control("GET", "electra/commands")["commands"]
        ),
    )
    toast = session.page.locator("ha-toast")
    expect(toast).to_contain_text(f"{KITCHEN} did not take the change", timeout=90_000)
    expect(toast).to_contain_text("its actual state is shown")
    session.shot("refused command")
    assert _unit(simulator, SECOND_UNIT_ID)["oper"]["AC_MODE"] == "HEAT"
    assert home_assistant.state("climate.mtbkh")["state"] == "heat"
    expect(dialog.get_by_role("button", name="Mode Heat")).to_be_visible()
    session.shot("true state")

    history = home_assistant.call(
        "GET",
        f"/api/history/period/{quote(started)}?filter_entity_id=climate.mtbkh"
        "&significant_changes_only=0",
    )
    states = {item["state"] for rows in history for item in rows}
    assert "heat" in states
    assert "cool" not in states, states
    logbook = home_assistant.call("GET", f"/api/logbook/{quote(started)}?entity=climate.mtbkh")
    assert all(item.get("state") != "cool" for item in logbook), logbook
    session.assert_no_integration_errors()


def test_bad_base_url_then_wrong_sms_code_then_the_right_one(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 3: a bad base URL is reported beside the Advanced section, which stays open
    with the field at fault in sight; a wrong code is refused under the form; both can be
    corrected."""
    ui.open_vendor_menu(session)
    dialog = ui.electra_phone_step(session, PRIMARY_PHONE, "electra.invalid/api")
    ui.submit(session)
    error = dialog.get_by_text(re.compile("The cloud base URL must be a complete web address"))
    expect(error).to_be_visible()
    field = dialog.get_by_role("textbox", name="Cloud base URL")
    expect(field).to_be_visible()
    expect(field).to_be_in_viewport()
    expect(field).to_have_value("electra.invalid/api")
    session.shot("bad base url")
    field.fill(simulator.base_url("electra"))
    ui.submit(session)
    dialog = ui.expect_code_step(session)
    # A toggle is switched on, not ticked.
    expect(dialog.get_by_text(re.compile(r"^Switch this on and submit if the SMS"))).to_be_visible()
    right = _otp(simulator, PRIMARY_PHONE)
    wrong = f"{(int(right) + 1) % 10_000:04d}"
    ui.enter_code(session, wrong)
    expect(dialog.get_by_text(re.compile("This code is not right"))).to_be_visible()
    session.shot("wrong code")
    assert home_assistant.entries() == []

    ui.enter_code(session, right)
    assert set(ui.finish_devices(session)) == PRIMARY_UNITS
    session.shot("added")
    assert [entry["state"] for entry in home_assistant.entries()] == ["loaded"]
    session.assert_no_integration_errors()


def test_reauth_after_the_cloud_forgets_the_token(
    session: BrowserSession, simulator: SimulatorProcess, home_assistant: HomeAssistantProcess
) -> None:
    """Scenario 4: the cloud forgets the account's token; Home Assistant asks to sign in
    again, the user does it in the browser, and the entities come back without a restart."""
    home_assistant.add_electra_entry(simulator, SECOND_PHONE)
    wait_until("the thermostat", lambda: home_assistant.state("climate.mtbkh")["state"] == "heat")

    simulator.control("POST", "electra/revoke_tokens", {"phone": SECOND_PHONE})
    wait_until(
        "the thermostat to become unavailable",
        lambda: home_assistant.state("climate.mtbkh")["state"] == "unavailable",
        timeout=120,
    )
    # The entry continues the session its config flow signed in with, so the one
    # VALIDATE_TOKEN allowed per 10 minutes is free when the cloud refuses that session.
    wait_until("Home Assistant to ask for reauthentication", _reauth_flow(home_assistant), 120)

    page = session.page
    session.goto("/config/dashboard")
    notice = page.get_by_text(re.compile(r"Authentication expired for Electra Smart \(052"))
    expect(notice).to_be_visible()
    session.shot("reauth notice")
    notice.click()
    dialog = ui.flow_dialog(session)
    expect(dialog.get_by_text("Sign in to Electra Smart again")).to_be_visible()
    # The step's body names the phone the code goes to.
    expect(dialog.get_by_text(re.compile(r"send a new SMS code to 052-•••-4321\."))).to_be_visible()
    session.shot("reauth step")
    ui.submit(session)
    ui.expect_code_step(session)
    ui.enter_code(session, _otp(simulator, SECOND_PHONE))
    expect(dialog.get_by_role("button", name="Submit")).to_be_hidden()
    # The integration's own text, not Home Assistant's generic one.
    expect(dialog.get_by_text("Signed in again. The integration is reloading.")).to_be_visible()
    session.shot("reauth done")
    dialog.get_by_role("button", name="Close").first.click()

    wait_until(
        "the thermostat to come back",
        lambda: home_assistant.state("climate.mtbkh")["state"] == "heat",
    )
    assert home_assistant.process.poll() is None, "Home Assistant restarted or stopped"
    ui.open_device(session, KITCHEN)
    expect(page.get_by_text("Heating (Heat)")).to_be_visible()
    session.shot("entities back")
    session.assert_no_integration_errors()
