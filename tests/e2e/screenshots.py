"""``python -m tests.e2e.screenshots [FOLDER]``: the README's pictures, from the suite's steps.

Run through ``scripts/screenshots`` (default folder: docs/images). It starts the simulator and
a fresh Home Assistant exactly as the browser suite does, walks the Electra Smart set-up and a
device with the same steps (:mod:`tests.e2e.ui`), and saves each picture the README shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import shutil
import tempfile

from playwright.sync_api import expect

from scripts.develop_setup import DASHBOARD_URL_PATH
from simulator.electra.scenario import PRIMARY_PHONE

from . import ui
from .browser import BrowserSession, launch_browser
from .harness import DOMAIN, ROOT, HomeAssistantProcess, SimulatorProcess, wait_until

BEDROOM = "חדר שינה"  # the Midea unit: the most entities of the scenario


def take(folder: Path, work: Path) -> list[Path]:
    """Every picture, into ``folder``; scratch files (logs, config) in ``work``."""
    saved: list[Path] = []
    sim = SimulatorProcess.start(work / "simulator.log")
    config = work / "config"
    for sub in (config, work / "wizard", work / "device", work / "dashboard"):
        sub.mkdir()
    try:
        ha = HomeAssistantProcess.start(config, work / "home-assistant.log")
        try:
            ha.onboard()
            with launch_browser() as browser:
                with BrowserSession.open(browser, ha, work / "wizard") as session:
                    saved += _wizard(session, sim, folder)
                with BrowserSession.open(browser, ha, work / "device", (1024, 1190)) as session:
                    saved += _device(session, folder)
                with BrowserSession.open(browser, ha, work / "dashboard", (1280, 1000)) as session:
                    saved += _dashboard(session, ha, sim, folder)
        finally:
            ha.stop()
    finally:
        sim.stop()
    return saved


def _wizard(session: BrowserSession, sim: SimulatorProcess, folder: Path) -> list[Path]:
    dialog = ui.open_vendor_menu(session)
    box = dialog.get_by_role("dialog")  # the host element itself has no box of its own
    session.page.wait_for_timeout(500)  # the dialog's opening animation
    box.screenshot(path=(menu := folder / "config-flow-menu.png"))
    ui.electra_phone_step(session, "050-1234567", sim.base_url("electra"))
    session.page.mouse.move(0, 0)  # no hover highlight in the picture
    box.screenshot(path=(phone := folder / "config-flow-electra-phone.png"))
    ui.submit(session)
    ui.expect_code_step(session)
    code = sim.control("GET", f"electra/otp?phone={PRIMARY_PHONE}")["code"]
    dialog.get_by_role("textbox", name="Code").fill(code)
    box.screenshot(path=(code_step := folder / "config-flow-electra-code.png"))
    ui.submit(session)
    ui.finish_devices(session)
    session.shot("added")
    return [menu, phone, code_step]


def _device(session: BrowserSession, folder: Path) -> list[Path]:
    ui.open_device(session, BEDROOM)
    expect(session.page.get_by_text("Filter needs cleaning")).to_be_visible()
    session.page.wait_for_load_state("networkidle")
    session.page.screenshot(path=(device := folder / "device-page.png"))
    dialog = ui.open_more_info(session, BEDROOM)
    session.page.wait_for_timeout(1000)  # the dialog's opening animation
    dialog.get_by_role("dialog").screenshot(path=(climate := folder / "climate-dialog.png"))
    return [device, climate]


def _dashboard(
    session: BrowserSession, ha: HomeAssistantProcess, sim: SimulatorProcess, folder: Path
) -> list[Path]:
    ha.add_demo_entries(sim)  # the wizard added Electra's; this adds the other vendors'
    wait_until("the demo's thermostats", lambda: ha.state("climate.office")["state"])
    session.goto(f"/{DASHBOARD_URL_PATH}/air-conditioners")
    expect(session.page.locator("hui-thermostat-card")).to_have_count(3)
    session.page.wait_for_load_state("networkidle")
    session.page.wait_for_timeout(1000)
    session.page.screenshot(path=(dashboard := folder / "dashboard.png"), full_page=True)

    home_solar = f"{DOMAIN}:derapi_site_home000000000001_solar_production"
    wait_until("the demo's solar statistics", lambda: home_solar in ha.statistic_ids(), 120)
    session.goto(f"/{DASHBOARD_URL_PATH}/solar-batteries")
    chart = session.page.locator("hui-statistics-graph-card").locator("ha-chart-base")
    expect(chart).to_be_visible()
    session.page.wait_for_load_state("networkidle")
    session.page.wait_for_timeout(1000)
    solar = folder / "dashboard-solar.png"
    session.page.screenshot(path=solar, clip={"x": 0, "y": 0, "width": 1280, "height": 680})
    return [dashboard, solar]


def main() -> None:
    """Parse the command line, take the pictures, list them."""
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "docs" / "images")
    folder: Path = parser.parse_args().folder
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    try:
        for path in take(folder.resolve(), work):
            print(f"saved {path}")
    except BaseException:
        print(f"screenshots: failed; logs and console in {work}")
        raise
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
