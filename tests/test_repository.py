"""Rules Home Assistant's and HACS's validators apply, checked here because neither runs in CI."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.const import Platform
import yaml

from custom_components.home_energy_cloud import config_flow
from custom_components.home_energy_cloud.vendors import VENDORS

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "home_energy_cloud"

# The Integration Quality Scale's rules (developer docs, tiers.json).
IQS_RULES = {
    "action-setup", "appropriate-polling", "brands", "common-modules",
    "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
    "docs-conditions", "docs-high-level-description", "docs-installation-instructions",
    "docs-removal-instructions", "docs-triggers", "entity-event-setup", "entity-unique-id",
    "has-entity-name", "runtime-data", "test-before-configure", "test-before-setup",
    "unique-config-entry", "action-exceptions", "config-entry-unloading",
    "docs-configuration-parameters", "docs-installation-parameters", "entity-unavailable",
    "integration-owner", "log-when-unavailable", "parallel-updates", "reauthentication-flow",
    "test-coverage", "devices", "diagnostics", "discovery-update-info", "discovery",
    "docs-data-update", "docs-examples", "docs-known-limitations", "docs-supported-devices",
    "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
    "entity-category", "entity-device-class", "entity-disabled-by-default",
    "entity-translations", "exception-translations", "icon-translations",
    "reconfiguration-flow", "repair-issues", "stale-devices", "async-dependency",
    "inject-websession", "strict-typing",
}  # fmt: skip


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_is_what_hassfest_and_hacs_accept() -> None:
    manifest = _json(INTEGRATION / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == INTEGRATION.name
    for key in ("codeowners", "documentation", "issue_tracker", "version", "iot_class"):
        assert manifest[key], key
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "hub"
    assert all("==" in requirement for requirement in manifest["requirements"])


def test_hacs_json_has_only_known_keys() -> None:
    known = {
        "name", "content_in_root", "zip_release", "filename", "hide_default_branch", "country",
        "homeassistant", "hacs", "persistent_directory", "render_readme",
    }  # fmt: skip
    hacs = _json(ROOT / "hacs.json")
    assert set(hacs) <= known
    assert hacs["homeassistant"] == "2025.4.0"
    assert (INTEGRATION / "brand" / "icon.png").is_file()


def test_every_platform_module_sets_parallel_updates() -> None:
    for platform in Platform:
        module = INTEGRATION / f"{platform.value}.py"
        if not module.exists():
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert "PARALLEL_UPDATES" in names, module.name


def test_every_vendor_platform_has_a_module_and_a_setup() -> None:
    for vendor in VENDORS.values():
        for platform in vendor.platforms:
            assert (INTEGRATION / f"{platform.value}.py").exists()
            assert platform in vendor.platform_setups


def test_every_vendor_has_its_flow_steps_and_menu_label() -> None:
    flow = config_flow.HomeEnergyCloudConfigFlow
    menu = _json(INTEGRATION / "translations" / "en.json")["config"]["step"]["user"]
    for vendor in VENDORS.values():
        for step in (vendor.key, vendor.reauth_step, vendor.reconfigure_step):
            assert hasattr(flow, f"async_step_{step}"), step
        assert vendor.key in menu["menu_options"]


def test_translations_have_no_urls_and_cover_the_services() -> None:
    text = (INTEGRATION / "translations" / "en.json").read_text(encoding="utf-8")
    assert not re.search(r"https?://", text)
    translations = json.loads(text)
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    icons = _json(INTEGRATION / "icons.json")["services"]
    for name, spec in services.items():
        assert name in translations["services"]
        assert name in icons
        for field in spec.get("fields", {}):
            assert field in translations["services"][name]["fields"]


def _test_exists(reference: str) -> bool:
    """Whether ``tests/x.py::test_name`` names a test function in that file."""
    path, _, name = reference.partition("::")
    module = ROOT / path
    if not module.is_file() or not name:
        return False
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
        for node in tree.body
    )


def test_quality_scale_lists_every_rule_and_proves_each_one_done() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8"))
    rules = rules["rules"]
    assert set(rules) == IQS_RULES
    for name, rule in rules.items():
        assert isinstance(rule, dict), name
        if rule["status"] == "exempt":
            assert rule["comment"], name
            continue
        assert rule["status"] == "done", name
        assert rule["tests"], f"{name}: a rule marked done names the tests that prove it"
        for reference in rule["tests"]:
            assert _test_exists(reference), f"{name}: {reference} does not exist"


def test_common_modules_exist() -> None:
    for module in ("coordinator.py", "entity.py", "devices.py", "errors.py", "diagnostics.py"):
        assert (INTEGRATION / module).is_file(), module


def test_every_form_field_has_a_description() -> None:
    steps = _json(INTEGRATION / "translations" / "en.json")["config"]["step"]
    for step_id, step in steps.items():
        assert set(step.get("data", {})) == set(step.get("data_description", {})), step_id
        for section_id, section in step.get("sections", {}).items():
            assert set(section.get("data", {})) == set(section.get("data_description", {})), (
                f"{step_id}.{section_id}"
            )


def test_readme_has_the_documentation_sections() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ (.+)$", readme, re.MULTILINE))
    for heading in (
        "Why",
        "Installation",
        "Removal",
        "Set-up",
        "Entities",
        "How data is updated",
        "Known limitations",
        "Troubleshooting",
    ):
        assert heading in headings, heading
    assert any(heading.startswith("Actions") for heading in headings)
    # Example automations, and each vendor in the menu documented.
    assert "triggers:" in readme
    for vendor in VENDORS.values():
        assert f"### {vendor.name}" in readme, vendor.name


def test_the_test_command_enforces_coverage() -> None:
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert "--cov-fail-under=95" in script
    assert "mypy" in script
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^strict = true$", pyproject, re.MULTILINE)
    assert (INTEGRATION / "py.typed").is_file()


def test_api_clients_have_no_home_assistant_imports() -> None:
    """Clients stay libraries: asyncio on aiohttp, a session passed in, no Home Assistant."""
    for module in (INTEGRATION / "api").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("homeassistant", "requests", "httpx")), module
    for client in (INTEGRATION / "api").glob("*/client.py"):
        assert "ClientSession" in client.read_text(encoding="utf-8"), client
