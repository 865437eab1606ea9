"""The real providers through lab/lazy_exports.cjs: every resource module of each installed
provider is required on first use, in the synth's own runs too, and the output is the same
byte for byte as with every module compiled up front (``LAB_LAZY_EXPORTS=0``)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

from lab import node
from tests.helpers import REPO
from tests.speed.support import MainRun, environment

PROVIDERS = {"aws": "cdktn_provider_aws", "azurerm": "cdktn_provider_azurerm"}
"""The providers the fixture lab loads: the JavaScript package name's suffix, the Python
package."""


def resource_modules(python_package: str) -> int:
    """How many resource modules the provider has: the Python package mirrors the
    JavaScript index, one subpackage per ``exports.<name> = ...require(...)`` line."""
    spec = importlib.util.find_spec(python_package)
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    return sum(
        1
        for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith("_") and (entry / "__init__.py").exists()
    )


def lazy_exports(report: Path) -> dict[str, int]:
    """What the hook reported, by provider: ``{"aws": 2433, ...}``."""
    rows = [line.split("\t") for line in report.read_text().splitlines()]
    return {
        url.split("/node_modules/@cdktn/provider-")[1].split("/")[0]: int(count)
        for url, count in rows
    }


def test_every_installed_provider_s_index_is_made_lazy(tmp_path: Path) -> None:
    """Each prebuilt provider installed (a Renovate update included) keeps the index shape
    the hook knows; if one stops matching, it loads as published and this fails."""
    installed = {
        dist.metadata["Name"].removeprefix("cdktn-provider-"): dist.metadata["Name"].replace(
            "-", "_"
        )
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"].startswith("cdktn-provider-")
    }
    assert {"aws", "azurerm", "kubernetes"} <= installed.keys()
    report = tmp_path / "lazy-exports.tsv"
    imports = ", ".join(f"{package}._jsii" for package in sorted(installed.values()))
    subprocess.run(
        [sys.executable, "-c", f"import lab, {imports}"],
        cwd=REPO,
        env=environment() | {node.LAZY_EXPORTS_REPORT_ENV_VAR: str(report)},
        check=True,
    )
    assert lazy_exports(report) == {
        provider: resource_modules(package) for provider, package in installed.items()
    }


def test_every_resource_module_of_each_loaded_provider_is_required_on_first_use(
    whole_app: MainRun, lazy_exports_reports: Path
) -> None:
    assert whole_app.returncode == 0, whole_app.stderr
    expected = {provider: resource_modules(package) for provider, package in PROVIDERS.items()}
    assert all(count > 100 for count in expected.values()), expected
    assert lazy_exports(lazy_exports_reports / "app.tsv") == expected


def test_lazy_exports_synthesize_what_the_published_modules_do(
    whole_app: MainRun, eager_app: MainRun, lazy_exports_reports: Path
) -> None:
    assert eager_app.returncode == 0, eager_app.stderr
    assert not (lazy_exports_reports / "eager.tsv").exists()  # the hook was off
    assert whole_app.tree() == eager_app.tree()
