"""The Python half of ``scripts/develop``: packages, waiting, onboarding, config entries, check.

Run from the repository root with the virtualenv's interpreter, as ``python -m
scripts.develop_setup <command>``:

* ``requirements CONFIG_DIR``: pip-install what the integrations Home Assistant will load
  require and is missing; report (and carry on past) what cannot be installed.
* ``configure CONFIG_DIR HOST PORT``: write configuration.yaml (and the HTTP settings), link
  the integration into ``custom_components``.
* ``port-free HOST PORT``: exit 1 with a message when something already listens there.
* ``wait URL [--pid PID] [--timeout S]``: until URL answers over HTTP (any status); exit 1 when
  the process PID ends first or the time runs out.
* ``setup --ha URL --sim URL ...``: onboard Home Assistant (or log in), re-login the existing
  config entries against the fresh simulator, add one entry per vendor the config flow offers,
  print the summary; with ``--check`` also verify the integration's climate entities and the
  websocket calls the browser UI needs to load.

Adding a vendor to the demo: write an ``async def <vendor>(flow: Flow) -> Result`` that fills
the vendor's steps after the menu, and register it in :data:`VENDOR_SETUP`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import importlib
import importlib.metadata
import json
import os
from pathlib import Path
import re
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any
import urllib.error
import urllib.request

import aiohttp
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from simulator.derapi import scenario as derapi_sc
from simulator.electra.scenario import PRIMARY_PHONE as ELECTRA_PHONE
from simulator.kiwigrid.auth import PASSWORD as KIWIGRID_PASSWORD, USERNAME as KIWIGRID_USERNAME

DOMAIN = "home_energy_cloud"
ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "custom_components" / DOMAIN / "manifest.json"
# The example dashboard (docs/dashboard.yaml), linked into the config folder as a YAML dashboard.
DASHBOARD = ROOT / "docs" / "dashboard.yaml"
DASHBOARD_FILE = "home_energy_cloud_dashboard.yaml"
DASHBOARD_URL_PATH = "home-energy-cloud"
# Entry states in which Home Assistant is still busy with an entry.
SETTLING_STATES = {"not_loaded", "setup_in_progress"}

type Result = dict[str, Any]


class SetupError(Exception):
    """A step of the set-up went wrong; the message says which and why."""


class FlowEndedError(Exception):
    """The flow ended (abort, create_entry) before the step a vendor set-up expected."""

    def __init__(self, result: Result) -> None:
        super().__init__(_describe(result))
        self.result = result


# --- requirements -------------------------------------------------------------------------------
#
# Home Assistant runs with --skip-pip (it would otherwise pip-install at every start, into the
# virtualenv the tests use too, and give up quietly on what fails). So this script installs what
# the integrations Home Assistant will load need, worked out from Home Assistant's own data: the
# integrations its bootstrap always sets up, the configuration's, the config entries', the base
# components its service helper imports (the frontend's service list validates against them:
# one that cannot be imported keeps the browser UI at "Loading…"), each with its dependencies;
# the requirements come from their manifests, pinned by package_constraints.txt.


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _satisfied(spec: str) -> bool:
    requirement = Requirement(spec)
    if requirement.marker is not None and not requirement.marker.evaluate():
        return True
    version = _installed(requirement.name)
    return version is not None and requirement.specifier.contains(version, prereleases=True)


def _manifest(components: Path, domain: str) -> dict[str, Any] | None:
    for path in (
        components / domain / "manifest.json",
        MANIFEST.parent.parent / domain / "manifest.json",
    ):
        if path.is_file():
            manifest: dict[str, Any] = json.loads(path.read_text())
            return manifest
    return None


def _configured_domains(config: Path) -> set[str]:
    """Integrations the configuration (YAML and config entries) sets up."""
    domains = {DOMAIN}
    for path in [config / "configuration.yaml", *sorted((config / "packages").rglob("*.yaml"))]:
        if path.is_file():
            domains |= set(re.findall(r"^([a-z0-9_]+)(?:\s[^:\n]*)?:", path.read_text(), re.M))
    entries = config / ".storage" / "core.config_entries"
    if entries.is_file():
        data = json.loads(entries.read_text()).get("data", {})
        domains |= {entry["domain"] for entry in data.get("entries", [])}
    return domains


def _base_components(components: Path) -> set[str]:
    """The components Home Assistant's service helper imports whether or not they are set up."""
    service: Any = importlib.import_module("homeassistant.helpers.service")
    function = getattr(service, "_base_components", None)
    code = getattr(getattr(function, "__wrapped__", function), "__code__", None)
    names: tuple[str, ...] = code.co_names if code is not None else ()
    return {name for name in names if (components / name / "manifest.json").is_file()}


def needed_requirements(config: Path) -> dict[str, set[str]]:
    """Requirements of the integrations Home Assistant will load, each with who needs it."""
    import homeassistant  # noqa: PLC0415 - slow to import, and only this command needs it

    bootstrap: Any = importlib.import_module("homeassistant.bootstrap")
    components = Path(homeassistant.__file__).parent / "components"
    domains = _configured_domains(config) | _base_components(components)
    # What the bootstrap sets up unconditionally (its other lists only order what is set up).
    for name in ("CORE_INTEGRATIONS", "DEFAULT_INTEGRATIONS"):
        domains |= set(getattr(bootstrap, name, ()))
    needed: dict[str, set[str]] = {}
    seen: set[str] = set()
    while domains:
        domain = domains.pop()
        seen.add(domain)
        if (manifest := _manifest(components, domain)) is None:
            continue  # no such integration (a misspelt YAML key, say)
        for spec in manifest.get("requirements", []):
            needed.setdefault(spec, set()).add(domain)
        domains |= set(manifest.get("dependencies", [])) - seen
    return needed


def _pip(*args: str, constraints: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if constraints is not None:
        command += ["--constraint", str(constraints)]
    return subprocess.run([*command, *args], capture_output=True, text=True, check=False)


def _pinned_name(line: str) -> str | None:
    """The package a constraints line pins, if any."""
    try:
        return canonicalize_name(Requirement(line.split("#", maxsplit=1)[0].strip()).name)
    except InvalidRequirement:
        return None


def install_requirements(config: Path) -> list[str]:
    """Install the missing requirements; those that could not be installed, described."""
    import homeassistant  # noqa: PLC0415

    constraints = Path(homeassistant.__file__).parent / "package_constraints.txt"
    needed = needed_requirements(config)
    # Pins replaced by a newer wheel earlier (below), so as not to try them at every start.
    substitutes = Path(sys.prefix) / ".develop-substitutes"
    replaced = set(substitutes.read_text().split()) if substitutes.is_file() else set()
    missing = sorted(
        spec
        for spec in needed
        if not _satisfied(spec) and not (spec in replaced and _installed(Requirement(spec).name))
    )
    if not missing:
        return []
    print(
        f"Installing {len(missing)} requirements of the integrations Home Assistant loads"
        f" (it runs with --skip-pip): {' '.join(missing)}",
        file=sys.stderr,
    )
    if _pip(*missing, constraints=constraints).returncode == 0:
        return []
    failed = []
    for spec in missing:
        if _satisfied(spec) or (attempt := _pip(spec, constraints=constraints)).returncode == 0:
            continue
        # No wheel for this Python and no build (often: no Python.h). The newest wheel of the
        # same package usually keeps the API; every other pin still holds.
        name = canonicalize_name(Requirement(spec).name)
        pins = [line for line in constraints.read_text().splitlines() if _pinned_name(line) != name]
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as relaxed:
            relaxed.write("\n".join(pins) + "\n")
            relaxed.flush()
            wheel = _pip("--only-binary=:all:", name, constraints=Path(relaxed.name))
        users = ", ".join(sorted(needed[spec]))
        if wheel.returncode == 0:
            with substitutes.open("a") as file:
                file.write(f"{spec}\n")
            print(
                f"develop: {spec} (for {users}) would not install; installed the newest wheel,"
                f" {name} {_installed(name)}, instead",
                file=sys.stderr,
            )
            continue
        reason = (attempt.stderr.strip().splitlines() or ["pip failed"])[-1]
        failed.append(f"{spec} (for {users}): {reason}")
    return failed


# --- the configuration directory ----------------------------------------------------------------

CONFIGURATION_YAML = """\
# Written by scripts/develop on every start: edit that script, or add YAML files to packages/.
homeassistant:
  name: Home Energy Cloud (develop)
  country: IL
  time_zone: Asia/Jerusalem
  currency: ILS
  unit_system: metric
  latitude: 32.0853
  longitude: 34.7818
  elevation: 20
  packages: !include_dir_named packages

# Enough for a usable UI without default_config (which pulls in integrations needing network).
frontend:
{http}api:
config:
onboarding:
history:
logbook:
energy:
lovelace:
  dashboards:
    {dashboard}:
      mode: yaml
      title: Home Energy Cloud
      icon: mdi:home-lightning-bolt
      show_in_sidebar: true
      filename: {dashboard_file}

logger:
  default: info
  logs:
    custom_components.home_energy_cloud: debug
"""


def write_config(config: Path, host: str, port: int) -> str:
    """Write configuration.yaml, link the integration, pin the HTTP settings; where they went.

    Up to Home Assistant 2026.9 the HTTP settings are YAML. Later releases keep them in
    ``.storage/http``: YAML there is only migrated once, as a trial that reverts (with a
    restart) unless confirmed within 5 minutes. So for those the store is written directly,
    with the settings as the confirmed ones, and YAML has no ``http:`` at all.
    """
    (config / "custom_components").mkdir(parents=True, exist_ok=True)
    (config / "packages").mkdir(exist_ok=True)
    _link(config / "custom_components" / DOMAIN, ROOT / "custom_components" / DOMAIN)
    _link(config / DASHBOARD_FILE, DASHBOARD)
    try:
        http_config: Any = importlib.import_module("homeassistant.components.http.config")
    except ModuleNotFoundError:
        http_config = None
    if http_config is None or not hasattr(http_config, "HTTPConfigStore"):
        http = f"http:\n  server_host: {host}\n  server_port: {port}\n"
        where = "configuration.yaml"
    else:
        settings = dict(
            http_config.HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port})
        )
        settings |= {
            "created_at": datetime.now(UTC).isoformat(),
            "error": None,
            "error_message": None,
        }
        store = {
            "version": http_config.STORAGE_VERSION,
            "minor_version": http_config.STORAGE_MINOR_VERSION,
            "key": http_config.STORAGE_KEY,
            "data": {"stable": settings, "pending": None, "yaml_migration_done": True},
        }
        path = config / ".storage" / http_config.STORAGE_KEY
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(store, indent=2))
        path.chmod(0o600)
        http = ""
        where = f".storage/{http_config.STORAGE_KEY}"
    (config / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(
            http=http, dashboard=DASHBOARD_URL_PATH, dashboard_file=DASHBOARD_FILE
        )
    )
    return where


def _link(link: Path, target: Path) -> None:
    """Make ``link`` a symlink to ``target`` (so edits in the checkout show at once)."""
    if link.is_symlink() and link.resolve() == target.resolve():
        return
    if link.exists() and not link.is_symlink():
        raise SetupError(f"{link} exists; remove it, it should link to {target}")
    link.unlink(missing_ok=True)
    link.symlink_to(target, target_is_directory=target.is_dir())


# --- waiting ------------------------------------------------------------------------------------


def _process_alive(pid: int) -> bool:
    """Whether PID still runs (a zombie, ended but not yet reaped, counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, just not with 2xx
    except (OSError, ValueError):
        return False


def wait_for(url: str, pid: int | None, timeout: float) -> bool:
    """Poll URL until it answers; False when PID ends or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(url):
            return True
        if pid is not None and not _process_alive(pid):
            print(f"develop: the process serving {url} ended", file=sys.stderr)
            return False
        time.sleep(0.5)
    print(f"develop: {url} did not answer within {timeout:.0f} s", file=sys.stderr)
    return False


def port_free(host: str, port: int) -> bool:
    """Whether nothing accepts connections on host:port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) != 0


# --- talking to Home Assistant ------------------------------------------------------------------


class HomeAssistantApi:
    """REST and websocket calls to one Home Assistant, as one user."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.token = ""

    async def call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        form: Mapping[str, str] | None = None,
        auth: bool = True,
    ) -> Any:
        """Send one request; the decoded JSON answer, or SetupError on any status >= 400."""
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        async with self.session.request(
            method, f"{self.url}{path}", json=body, data=form, headers=headers
        ) as response:
            text = await response.text()
            if response.status >= 400:
                raise SetupError(f"{method} {path}: HTTP {response.status}: {text[:300]}")
            return json.loads(text) if text else None

    async def ws(self, message: Mapping[str, Any]) -> Any:
        """One websocket command; its result, or SetupError when it failed."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as socket_:
            await socket_.receive_json()  # auth_required
            await socket_.send_json({"type": "auth", "access_token": self.token})
            if (reply := await socket_.receive_json())["type"] != "auth_ok":
                raise SetupError(f"websocket authentication failed: {reply}")
            await socket_.send_json({"id": 1, **message})
            reply = await socket_.receive_json()
        if not reply.get("success"):
            raise SetupError(f"websocket {message['type']}: {reply.get('error')}")
        return reply["result"]

    async def fetch_token(self, code: str) -> None:
        """Exchange an authorization code for an access token."""
        form = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        self.token = (await self.call("POST", "/auth/token", form=form, auth=False))["access_token"]


async def onboard_or_login(api: HomeAssistantApi, name: str, username: str, password: str) -> str:
    """Create the owner on a fresh instance, else log in; finish onboarding. What was done."""
    try:
        status = await api.call("GET", "/api/onboarding", auth=False)
    except SetupError:
        status = []  # once onboarded, Home Assistant no longer serves the onboarding API
    pending = [step["step"] for step in status if not step["done"]]
    if "user" in pending:
        body = {
            "client_id": api.client_id,
            "name": name,
            "username": username,
            "password": password,
            "language": "en",
        }
        reply = await api.call("POST", "/api/onboarding/users", body, auth=False)
        await api.fetch_token(reply["auth_code"])
        done = f"created the owner {username!r}"
    else:
        flow = await api.call(
            "POST",
            "/auth/login_flow",
            {
                "client_id": api.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": api.client_id,
            },
            auth=False,
        )
        reply = await api.call(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": api.client_id, "username": username, "password": password},
            auth=False,
        )
        if reply.get("type") != "create_entry":
            raise SetupError(
                f"cannot log in as {username!r} ({reply.get('errors')}); the config dir has"
                " another owner: set DEVELOP_USER/DEVELOP_PASSWORD or delete .develop/"
            )
        await api.fetch_token(reply["result"])
        done = f"logged in as {username!r}"
    later = {
        "core_config": {},
        "analytics": {},
        "integration": {"client_id": api.client_id, "redirect_uri": api.client_id},
    }
    for step in pending:
        if step in later:
            await api.call("POST", f"/api/onboarding/{step}", later[step])
    if pending:
        done += f"; onboarding steps done: {', '.join(pending)}"
    return done


async def open_on_dashboard(api: HomeAssistantApi) -> str:
    """Make the example dashboard the one Home Assistant opens on; its URL, or why not."""
    url = f"{api.client_id}{DASHBOARD_URL_PATH}"
    try:
        core = await api.ws({"type": "frontend/get_system_data", "key": "core"})
        value = dict((core or {}).get("value") or {}) | {"default_panel": DASHBOARD_URL_PATH}
        await api.ws({"type": "frontend/set_system_data", "key": "core", "value": value})
    except SetupError:
        # Older Home Assistant releases keep the default dashboard per browser only.
        return f"{url}  (open it from the sidebar)"
    return f"{url}  (the default dashboard)"


async def wait_running(api: HomeAssistantApi, seconds: float) -> dict[str, Any]:
    """Wait until Home Assistant has finished starting; its core config."""
    deadline = time.monotonic() + seconds
    while True:
        config: dict[str, Any] = await api.call("GET", "/api/config")
        if config.get("state", "RUNNING") == "RUNNING" or time.monotonic() > deadline:
            return config
        await asyncio.sleep(1)


async def drop_failed_onboarding_entries(api: HomeAssistantApi, seconds: float) -> list[str]:
    """Delete the entries onboarding created that did not load; their titles.

    Onboarding starts flows for weather (met), text-to-speech (google_translate) and
    radio_browser. Their packages are not installed (nothing configured them before the first
    start), so each flow fails (an ERROR in the log, once) or its entry fails to load; and
    against a simulator they would only reach for the internet. Rather than install them and
    restart, such entries go. What loads (shopping_list) stays.
    """
    deadline = time.monotonic() + seconds
    while True:
        entries: list[dict[str, Any]] = await api.call("GET", "/api/config/config_entries/entry")
        ours = [entry for entry in entries if entry.get("source") == "onboarding"]
        if time.monotonic() > deadline or not any(
            entry["state"] in SETTLING_STATES for entry in ours
        ):
            break
        await asyncio.sleep(1)
    dropped = []
    for entry in ours:
        if entry["domain"] != DOMAIN and entry["state"] != "loaded":
            await api.call("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
            dropped.append(f"{entry['title']} ({entry['domain']}, {entry['state']})")
    return dropped


# --- config flows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimIndex:
    """Where the simulator serves its control API and each vendor's hosts (``GET /_sim``)."""

    url: str
    vendors: dict[str, str]
    hosts: dict[str, dict[str, str]]

    @classmethod
    async def fetch(cls, session: aiohttp.ClientSession, url: str) -> SimIndex:
        """Read the index of the simulator at ``url``."""
        async with session.get(f"{url}/_sim") as reply:
            index = await reply.json()
        return cls(url, dict(index["vendors"]), dict(index.get("hosts", {})))


@dataclass
class Flow:
    """A config flow in progress, driven through Home Assistant's REST API."""

    api: HomeAssistantApi
    sim: SimIndex
    vendor: str
    result: Result
    notes: list[str] = field(default_factory=list)

    @property
    def sim_url(self) -> str:
        """The simulator's root (its control API is below ``/_sim``)."""
        return self.sim.url

    @property
    def base_url(self) -> str:
        """The simulator's stand-in for this vendor's main host."""
        return self.sim.vendors[self.vendor]

    @property
    def hosts(self) -> dict[str, str]:
        """Every host of this vendor's fake, by name."""
        return self.sim.hosts[self.vendor]

    async def submit(self, values: Mapping[str, Any]) -> Result:
        """Fill the current form by field name (looking into its sections) and submit it."""
        if self.result.get("type") != "form":
            raise SetupError(f"{self.vendor}: expected a form, got {_describe(self.result)}")
        body = _fill(self.result.get("data_schema", []), values)
        self.result = await self.api.call(
            "POST", f"/api/config/config_entries/flow/{self.result['flow_id']}", body
        )
        if self.result.get("errors"):
            raise SetupError(
                f"{self.vendor}: step {self.result.get('step_id')!r} refused the"
                f" input: {self.result['errors']}"
            )
        return self.result

    def expect_form(self, step_id: str) -> None:
        """Go on only if the flow now shows the form ``step_id``.

        FlowEndedError when the flow has ended instead (say "already_configured"), SetupError
        on anything else.
        """
        if self.result.get("type") in {"abort", "create_entry"}:
            raise FlowEndedError(self.result)
        if self.result.get("type") != "form" or self.result.get("step_id") != step_id:
            raise SetupError(
                f"{self.vendor}: expected form {step_id!r}, got {_describe(self.result)}"
            )

    async def sim_get(self, path: str, **query: str) -> Any:
        """GET a route of the simulator's control API (``<sim>/_sim/<path>``)."""
        async with self.api.session.get(f"{self.sim_url}/_sim/{path}", params=query) as reply:
            if reply.status >= 400:
                raise SetupError(f"simulator {path}: HTTP {reply.status}: {await reply.text()}")
            return await reply.json()


def _fill(schema: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    """The form input for ``values``: fields in sections (type "expandable") are nested."""
    body: dict[str, Any] = {}
    for item in schema:
        name = item["name"]
        if item.get("type") == "expandable":
            if section := _fill(item.get("schema", []), values):
                body[name] = section
        elif name in values:
            body[name] = values[name]
    return body


def _describe(result: Result) -> str:
    kind = result.get("type")
    detail = result.get("step_id") or result.get("reason") or result.get("title") or ""
    errors = f" errors={result['errors']}" if result.get("errors") else ""
    return f"{kind} {detail}{errors}".strip()


async def electra(flow: Flow, phone: str = ELECTRA_PHONE) -> Result:
    """Electra Smart: a phone (the demo's by default) and the simulator URL, then the SMS code.

    The demo adds only the scenario's primary account: its second account stays free for
    trying the set-up wizard by hand.
    """
    await flow.submit({"phone": phone, "base_url": flow.base_url})
    flow.expect_form("electra_otp")
    code = (await flow.sim_get("electra/otp", phone=phone))["code"]
    return await flow.submit({"code": code})


# Derapi: the simulator's header client, with every vendor's credentials, in the order the flow
# asks for them (its own order, whatever order they are chosen in).
DERAPI_VENDOR_FORMS: dict[str, dict[str, str]] = {
    "sma": {"client_id": derapi_sc.SMA_CLIENT_ID, "client_secret": derapi_sc.SMA_CLIENT_SECRET},
    "solis": {"key_id": derapi_sc.SOLIS_KEY_ID, "key_secret": derapi_sc.SOLIS_KEY_SECRET},
    "solaredge": {"api_key": derapi_sc.SOLAREDGE_API_KEY},
    "enphase": {
        "client_id": derapi_sc.ENPHASE_CLIENT_ID,
        "client_secret": derapi_sc.ENPHASE_CLIENT_SECRET,
        "api_key": derapi_sc.ENPHASE_API_KEY,
        "refresh_token": derapi_sc.ENPHASE_REFRESH_TOKEN,
    },
    "tesla": {
        "client_id": derapi_sc.TESLA_CLIENT_ID,
        "refresh_token": derapi_sc.TESLA_REFRESH_TOKEN,
    },
}


async def derapi(flow: Flow) -> Result:
    """Derapi: the header client and every host at the simulator, then each vendor's form.

    Reconfigure ends after the account step (vendor credentials are kept; Tesla's and Enphase's
    rotated refresh tokens do not survive a fresh simulator, so those two then show a repair).
    """
    hosts = flow.hosts
    result = await flow.submit(
        {
            "client_id": derapi_sc.CLIENT_ID,
            "client_secret": derapi_sc.CLIENT_SECRET,
            "environment": "production",
            "api_url": hosts["api"],
            "auth_url": hosts["auth"],
            "sma_auth_url": hosts["sma_auth"],
            "enphase_auth_url": hosts["enphase_auth"],
            "tesla_auth_url": hosts["tesla_auth"],
        }
    )
    if result.get("type") != "form":
        return result
    flow.expect_form("derapi_authorization")
    await flow.submit({"authorization": "headers", "vendors": list(DERAPI_VENDOR_FORMS)})
    for kind, values in DERAPI_VENDOR_FORMS.items():
        flow.expect_form(f"derapi_{kind}")
        result = await flow.submit(values)
    return result


async def kiwigrid_account(flow: Flow) -> Result:
    """Solarwatt / Kiwigrid account form: the scenario's account, every host at the simulator."""
    hosts = flow.sim.hosts["kiwigrid"]  # flow.vendor is a step id when reconfiguring
    return await flow.submit(
        {
            "username": KIWIGRID_USERNAME,
            "password": KIWIGRID_PASSWORD,
            "solarwatt_auth_url": hosts["keycloak"],
            "solarwatt_portal_url": hosts["portal"],
            "solarwatt_hems_url": hosts["hems"],
        }
    )


async def kiwigrid(flow: Flow) -> Result:
    """Solarwatt / Kiwigrid: the current Solarwatt cloud (REST), then the account form."""
    await flow.submit({"portal": "solarwatt"})
    flow.expect_form("kiwigrid_account")
    return await kiwigrid_account(flow)


# vendor key (the menu option, and the first step of reconfigure) -> what fills its steps
VENDOR_SETUP: dict[str, Callable[[Flow], Awaitable[Result]]] = {
    "electra": electra,
    "derapi": derapi,
    "kiwigrid": kiwigrid,
    # Reconfiguring a Solarwatt entry opens its account form directly.
    "kiwigrid_account": kiwigrid_account,
}


async def settle_entries(api: HomeAssistantApi, seconds: float) -> list[dict[str, Any]]:
    """The integration's config entries, once none of them is still being set up."""
    deadline = time.monotonic() + seconds
    path = f"/api/config/config_entries/entry?domain={DOMAIN}"
    while True:
        entries: list[dict[str, Any]] = await api.call("GET", path)
        busy = [entry for entry in entries if entry["state"] in SETTLING_STATES]
        if not busy or time.monotonic() > deadline:
            return entries
        await asyncio.sleep(1)


async def relogin_entry(api: HomeAssistantApi, sim: SimIndex, entry: dict[str, Any]) -> str:
    """Give an entry a login valid at the fresh simulator, via its reconfigure flow."""
    # A new simulator forgot every token: the entry has failed and asked for reauthentication.
    # Drop that request, it is answered by reconfiguring (which reloads the entry).
    flows = await api.ws({"type": "config_entries/flow/progress"})
    for progress in flows:
        context = progress.get("context", {})
        if (
            progress.get("handler") == DOMAIN
            and context.get("source") == "reauth"
            and context.get("entry_id") == entry["entry_id"]
        ):
            await api.call("DELETE", f"/api/config/config_entries/flow/{progress['flow_id']}")
    result = await api.call(
        "POST",
        "/api/config/config_entries/flow",
        {"handler": DOMAIN, "entry_id": entry["entry_id"]},
    )
    vendor = str(result.get("step_id"))
    if result.get("type") != "form" or vendor not in VENDOR_SETUP:
        await _abandon(api, result)
        shown = _describe(result)
        return f"{entry['title']}: left as is ({entry['state']}; reconfigure shows {shown})"
    flow = Flow(api, sim, vendor, result)
    try:
        result = await VENDOR_SETUP[vendor](flow)
    except FlowEndedError as end:
        result = end.result
    except SetupError as err:
        await _abandon(api, flow.result)
        return f"{entry['title']}: left as is ({entry['state']}): {err}"
    if result.get("type") == "abort" and result.get("reason") == "reconfigure_successful":
        return f"{entry['title']}: logged in again at the simulator"
    return f"{entry['title']}: left as is ({entry['state']}; reconfigure ended {_describe(result)})"


async def _abandon(api: HomeAssistantApi, result: Result) -> None:
    """Abort a flow still waiting for input, so it does not linger in the UI."""
    if result.get("type") in {"form", "menu"} and "flow_id" in result:
        await api.call("DELETE", f"/api/config/config_entries/flow/{result['flow_id']}")


async def start_vendor_flow(api: HomeAssistantApi, sim: SimIndex, vendor: str) -> Flow:
    """A new config flow of the integration, past the menu, at the vendor's first step."""
    result = await api.call("POST", "/api/config/config_entries/flow", {"handler": DOMAIN})
    result = await api.call(
        "POST", f"/api/config/config_entries/flow/{result['flow_id']}", {"next_step_id": vendor}
    )
    return Flow(api, sim, vendor, result)


async def add_electra_entry(api: HomeAssistantApi, sim: SimIndex, phone: str) -> Result:
    """Add an Electra Smart entry for ``phone`` at the simulator; the flow's last result."""
    flow = await start_vendor_flow(api, sim, "electra")
    try:
        return await electra(flow, phone)
    except SetupError:
        await _abandon(api, flow.result)
        raise


async def add_vendor_entries(api: HomeAssistantApi, sim: SimIndex) -> list[str]:
    """One entry per vendor in the config flow's menu; what happened to each."""
    start = {"handler": DOMAIN}
    menu = await api.call("POST", "/api/config/config_entries/flow", start)
    await _abandon(api, menu)
    if menu.get("type") != "menu":
        raise SetupError(f"the config flow did not start with the vendor menu: {_describe(menu)}")
    options = menu.get("menu_options", [])
    vendors = list(options) if isinstance(options, dict | list) else []
    lines = []
    for vendor in vendors:
        if vendor not in VENDOR_SETUP:
            lines.append(f"{vendor}: skipped (no demo set-up in scripts/develop_setup.py)")
            continue
        if vendor not in sim.vendors:
            lines.append(f"{vendor}: skipped (the simulator has no {vendor} cloud)")
            continue
        flow = await start_vendor_flow(api, sim, vendor)
        try:
            result = await VENDOR_SETUP[vendor](flow)
        except FlowEndedError as end:
            result = end.result
        except SetupError:
            await _abandon(api, flow.result)
            raise
        if result.get("type") == "create_entry":
            lines.append(f"{vendor}: added {result.get('title')!r}")
        elif result.get("type") == "abort" and result.get("reason") == "already_configured":
            lines.append(f"{vendor}: already set up")
        else:
            await _abandon(api, result)
            raise SetupError(f"{vendor}: the config flow ended with {_describe(result)}")
    return lines


# --- the check ----------------------------------------------------------------------------------

# What the browser UI asks for before it shows anything: if one fails it stays at "Loading…".
UI_COMMANDS = ("get_config", "get_states", "get_services", "get_panels")


async def check_ui(api: HomeAssistantApi) -> list[str]:
    """Send the websocket commands the frontend needs to load; the failures."""
    failures = []
    for command in UI_COMMANDS:
        try:
            await api.ws({"type": command})
        except SetupError as err:
            failures.append(str(err))
    return failures


async def check_entities(api: HomeAssistantApi, seconds: float) -> tuple[bool, list[str]]:
    """Wait for an available climate entity of the integration; (passed, summary lines)."""
    deadline = time.monotonic() + seconds
    while True:
        registry = await api.ws({"type": "config/entity_registry/list"})
        ours = {item["entity_id"] for item in registry if item.get("platform") == DOMAIN}
        disabled = {
            item["entity_id"]
            for item in registry
            if item.get("platform") == DOMAIN and item.get("disabled_by")
        }
        states = {
            state["entity_id"]: state
            for state in await api.call("GET", "/api/states")
            if state["entity_id"] in ours
        }
        climates = sorted(eid for eid in states if eid.startswith("climate."))
        available = [eid for eid in climates if states[eid]["state"] != "unavailable"]
        if available or time.monotonic() > deadline:
            break
        await asyncio.sleep(2)
    per_domain: dict[str, int] = {}
    for eid in ours:
        per_domain[eid.split(".")[0]] = per_domain.get(eid.split(".")[0], 0) + 1
    lines = [
        f"entities of {DOMAIN}: {len(ours)} ("
        + ", ".join(f"{n} {d}" for d, n in sorted(per_domain.items()))
        + f"), {len(disabled)} disabled (by default or by the user),"
        f" {len(ours - disabled - set(states))} enabled without a state",
    ]
    for eid in climates:
        state = states[eid]
        attrs = state.get("attributes", {})
        lines.append(
            f"  {eid}: {state['state']} (current {attrs.get('current_temperature')},"
            f" target {attrs.get('temperature')}, {attrs.get('friendly_name')!r})"
        )
    return bool(available), lines


# --- the whole set-up ---------------------------------------------------------------------------


async def setup(args: argparse.Namespace) -> int:
    """Onboard or log in, bring the entries in line with the simulator, print, maybe check."""
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        api = HomeAssistantApi(session, args.ha)
        sim_url = args.sim.rstrip("/")
        sim = await SimIndex.fetch(session, sim_url)
        login = await onboard_or_login(api, args.name, args.username, args.password)
        config = await wait_running(api, args.timeout)
        lines = [
            f"{title}: deleted, onboarding added it but it did not load"
            for title in await drop_failed_onboarding_entries(api, args.timeout)
        ]
        for entry in await settle_entries(api, args.timeout):
            if entry["state"] != "loaded":
                lines.append(await relogin_entry(api, sim, entry))
        lines += await add_vendor_entries(api, sim)
        entries = await settle_entries(api, args.timeout)
        dashboard = await open_on_dashboard(api)

        print()
        print(f"Home Assistant {config.get('version')} is running: {api.client_id}")
        print(f"  login:     {args.username} / {args.password}  ({login})")
        print(f"  dashboard: {dashboard}")
        print(f"  simulator: {sim_url}/_sim  (control API; GET it for every vendor host)")
        print("  config entries:")
        for line in lines:
            print(f"    {line}")
        for entry in entries:
            print(f"    now: {entry['title']} [{entry['state']}]")
        if not args.check:
            return 0
        available, summary = await check_entities(api, args.timeout)
        ui_failures = await check_ui(api)
        print("Check:")
        for line in summary:
            print(f"  {line}")
        print(
            f"  websocket {', '.join(UI_COMMANDS)}: " + ("; ".join(ui_failures) or "all answered")
        )
        problems = [] if available else ["no climate entity of the integration is available"]
        if ui_failures:
            problems.append("the browser UI would not load (a websocket command it needs failed)")
        print(
            "Check PASSED: a climate entity of the integration is available and the UI loads"
            if not problems
            else f"Check FAILED: {'; '.join(problems)}"
        )
        return 0 if not problems else 1


def main() -> int:
    """Dispatch the command line."""
    parser = argparse.ArgumentParser(prog="python -m scripts.develop_setup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    requirements = commands.add_parser("requirements")
    requirements.add_argument("config", type=Path)
    configure = commands.add_parser("configure")
    configure.add_argument("config", type=Path)
    configure.add_argument("host")
    configure.add_argument("port", type=int)
    free = commands.add_parser("port-free")
    free.add_argument("host")
    free.add_argument("port", type=int)
    wait = commands.add_parser("wait")
    wait.add_argument("url")
    wait.add_argument("--pid", type=int)
    wait.add_argument("--timeout", type=float, default=120)
    run = commands.add_parser("setup")
    run.add_argument("--ha", required=True, help="Home Assistant URL")
    run.add_argument("--sim", required=True, help="simulator root URL")
    run.add_argument("--name", default="Demo")
    run.add_argument("--username", default="demo")
    run.add_argument("--password", default="demo-password")
    run.add_argument("--check", action="store_true")
    run.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()
    try:
        if args.command == "requirements":
            if failed := install_requirements(args.config):
                print(
                    "develop: could not install (those integrations will not load):",
                    file=sys.stderr,
                )
                for line in failed:
                    print(f"  {line}", file=sys.stderr)
            return 0
        if args.command == "configure":
            where = write_config(args.config, args.host, args.port)
            print(f"HTTP settings ({args.host}:{args.port}) in {where}")
            return 0
        if args.command == "port-free":
            if port_free(args.host, args.port):
                return 0
            print(f"develop: {args.host}:{args.port} is already in use", file=sys.stderr)
            return 1
        if args.command == "wait":
            return 0 if wait_for(args.url, args.pid, args.timeout) else 1
        return asyncio.run(setup(args))
    except SetupError as err:
        print(f"develop: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
