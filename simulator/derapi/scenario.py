"""The default Derapi account: Derapi clients, vendor credentials, sites and devices.

One site per vendor family plus a "Home" site whose SMA inverters share it with a Tesla
battery, so every credential form and every device kind is exercised. `large_account` builds
the benchmark's account instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random
from typing import Final
import zlib

# Derapi client credentials. "header" clients send vendor credentials per request; "stored"
# clients have them stored at Derapi; the virtual (sandbox) client also sees the virtual site.
CLIENT_ID: Final = "derapi-client-prod"
CLIENT_SECRET: Final = "derapi-secret-prod"
STORED_CLIENT_ID: Final = "derapi-client-stored"
STORED_CLIENT_SECRET: Final = "derapi-secret-stored"
SANDBOX_CLIENT_ID: Final = "derapi-client-virtual"
SANDBOX_CLIENT_SECRET: Final = "derapi-secret-virtual"

SMA_CLIENT_ID: Final = "sma-app-client"
SMA_CLIENT_SECRET: Final = "sma-app-secret"
SOLIS_KEY_ID: Final = "1300386381676000000"
SOLIS_KEY_SECRET: Final = "solis-key-secret-0f3a"
SOLAREDGE_API_KEY: Final = "L4QLVQ1LOKCQX2193VSEICXW61NP6B1O"
ENPHASE_CLIENT_ID: Final = "enphase-app-client"
ENPHASE_CLIENT_SECRET: Final = "enphase-app-secret"
ENPHASE_API_KEY: Final = "enphase-api-key-7d1c"
ENPHASE_REFRESH_TOKEN: Final = "enphase-refresh-initial"
TESLA_CLIENT_ID: Final = "tesla-app-client"
TESLA_REFRESH_TOKEN: Final = "tesla-refresh-initial"

HOME_SITE: Final = "site-home000000000001"
SMA_SITE: Final = "site-smafarm00000001"
SOLIS_SITE: Final = "site-solis0000000001"
SOLAREDGE_SITE: Final = "site-solaredge000001"
ENPHASE_SITE: Final = "site-enphase00000001"
VIRTUAL_SITE: Final = "site-virtual00000001"

HOME_SMA_INVERTERS: Final = ("solr-homesma00000001", "solr-homesma00000002")
HOME_TESLA_BATTERY: Final = "batt-hometesla000001"
SMA_FARM_INVERTERS: Final = ("solr-smafarm00000001", "solr-smafarm00000002")
SOLIS_INVERTER: Final = "solr-solis0000000001"
SOLAREDGE_INVERTER: Final = "solr-solaredge000001"
SOLAREDGE_BATTERY: Final = "batt-solaredge000001"
ENPHASE_INVERTERS: Final = ("solr-enphase00000001", "solr-enphase00000002")
ENPHASE_BATTERY: Final = "batt-enphase00000001"
VIRTUAL_INVERTER: Final = "solr-virtual00000001"
VIRTUAL_BATTERY: Final = "batt-virtual00000001"


@dataclass
class SimSite:
    """A site; its devices are found through their `site_id`."""

    id: str
    vendor: str
    name: str
    vendor_id: str
    utc_offset: float
    timezone: str
    lat: float
    lon: float
    operational_since: str


@dataclass
class SimInverter:
    """A solar inverter; production follows :mod:`.curves` with its `peak_kw`."""

    id: str
    vendor: str
    site_id: str
    model: str
    serial: str
    peak_kw: float
    name: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass
class SimBattery:
    """A battery; state of charge follows :mod:`.curves`, `mode` changes with battery control."""

    id: str
    vendor: str
    site_id: str
    model: str
    serial: str
    nameplate_kwh: float
    default_mode: str = "Self Consumption"
    name: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Account:
    """Everything the fake serves."""

    sites: dict[str, SimSite] = field(default_factory=dict)
    inverters: dict[str, SimInverter] = field(default_factory=dict)
    batteries: dict[str, SimBattery] = field(default_factory=dict)

    def add_site(self, site: SimSite) -> None:
        """Add a site."""
        self.sites[site.id] = site

    def add_inverter(self, inverter: SimInverter) -> None:
        """Add an inverter."""
        self.inverters[inverter.id] = inverter

    def add_battery(self, battery: SimBattery) -> None:
        """Add a battery."""
        self.batteries[battery.id] = battery


def _site(site_id: str, vendor: str, name: str, offset: float, tz: str) -> SimSite:
    return SimSite(
        id=site_id,
        vendor=vendor,
        name=name,
        vendor_id=str(zlib.crc32(site_id.encode()) % 10_000_000),
        utc_offset=offset,
        timezone=tz,
        lat=48.1,
        lon=11.6,
        operational_since="2021-05-04T00:00:00+00:00",
    )


def default_account() -> Account:
    """The default scenario (see the module docstring)."""
    account = Account()
    account.add_site(_site(HOME_SITE, "sma", "Home", 1.0, "Europe/Berlin"))
    # Distinct devices, so each one's figures are told apart: a bigger and a smaller roof.
    for number, (inverter_id, peak_kw) in enumerate(
        zip(HOME_SMA_INVERTERS, (8.0, 6.0), strict=True), 1
    ):
        account.add_inverter(
            SimInverter(
                inverter_id,
                "sma",
                HOME_SITE,
                f"Sunny Tripower {peak_kw:.1f}",
                f"30{number:08d}",
                peak_kw,
            )
        )
    account.add_battery(
        SimBattery(HOME_TESLA_BATTERY, "tesla", HOME_SITE, "Powerwall 2", "TG1210000001", 13.5)
    )
    account.add_site(_site(SMA_SITE, "sma", "Barn roof", 1.0, "Europe/Berlin"))
    for number, (inverter_id, peak_kw) in enumerate(
        zip(SMA_FARM_INVERTERS, (5.0, 4.0), strict=True), 1
    ):
        account.add_inverter(
            SimInverter(
                inverter_id, "sma", SMA_SITE, f"Sunny Boy {peak_kw:.1f}", f"31{number:08d}", peak_kw
            )
        )
    account.add_site(_site(SOLIS_SITE, "solis", "Cottage", 0.0, "Europe/London"))
    account.add_inverter(
        SimInverter(
            SOLIS_INVERTER,
            "solis",
            SOLIS_SITE,
            "S6-GR1P5K",
            "110F50223100001",
            5.0,
            errors=[{"warning": "Grid overvoltage"}],
        )
    )
    account.add_site(_site(SOLAREDGE_SITE, "solaredge", "Garage", -5.0, "America/New_York"))
    account.add_inverter(
        SimInverter(SOLAREDGE_INVERTER, "solaredge", SOLAREDGE_SITE, "SE7600H", "7E0A1B2C", 7.6)
    )
    account.add_battery(
        SimBattery(SOLAREDGE_BATTERY, "solaredge", SOLAREDGE_SITE, "Home Battery", "7F123456", 9.7)
    )
    account.add_site(_site(ENPHASE_SITE, "enphase", "Lake house", -8.0, "America/Los_Angeles"))
    for number, inverter_id in enumerate(ENPHASE_INVERTERS, 1):
        account.add_inverter(
            SimInverter(
                inverter_id,
                "enphase",
                ENPHASE_SITE,
                "IQ8PLUS-72-2-US",
                f"12201{number:07d}",
                0.3,
                errors=[{"error": "Microinverter not reporting"}] if number == 2 else [],
            )
        )
    account.add_battery(
        SimBattery(
            ENPHASE_BATTERY, "enphase", ENPHASE_SITE, "IQ Battery 5P", "12240000001", 5.0, "Backup"
        )
    )
    account.add_site(_site(VIRTUAL_SITE, "virtual", "Site 1", 1.0, "Europe/Berlin"))
    account.add_inverter(
        SimInverter(VIRTUAL_INVERTER, "virtual", VIRTUAL_SITE, "Virtual PV", "V-PV-1", 4.0)
    )
    account.add_battery(
        SimBattery(VIRTUAL_BATTERY, "virtual", VIRTUAL_SITE, "Virtual Battery", "V-B-1", 10.0)
    )
    return account


LARGE_VENDORS: Final = ("sma", "solis", "solaredge", "enphase", "tesla")


def large_account(devices: int, sites: int, *, seed: int = 7) -> Account:
    """`devices` devices spread over `sites` sites (every fifth device a battery)."""
    rng = random.Random(seed)
    account = Account()
    sites = max(1, sites)
    site_ids = [f"site-bench{number:011d}" for number in range(sites)]
    for number, site_id in enumerate(site_ids):
        vendor = LARGE_VENDORS[number % len(LARGE_VENDORS)]
        account.add_site(_site(site_id, vendor, f"Bench site {number}", 1.0, "Europe/Berlin"))
    for number in range(devices):
        site_id = site_ids[number % sites]
        vendor = account.sites[site_id].vendor
        if number % 5 == 4:
            account.add_battery(
                SimBattery(
                    f"batt-bench{number:010d}", vendor, site_id, "Bench battery", f"B{number}", 10
                )
            )
        else:
            account.add_inverter(
                SimInverter(
                    f"solr-bench{number:010d}",
                    vendor,
                    site_id,
                    "Bench inverter",
                    f"S{number}",
                    round(rng.uniform(3, 10), 1),
                )
            )
    return account
