"""The fast provider loading: same output as normal imports, and only what a stack needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.speed.support import MainRun, run_main

AWS = "cdktn_provider_aws"
AZURERM = "cdktn_provider_azurerm"
KUBERNETES = "cdktn_provider_kubernetes"


def provider(run: MainRun, package: str) -> dict[str, Any]:
    assert run.returncode == 0, run.stderr
    assert run.report is not None, "the probe wrote no report: atexit handlers did not run"
    entry: dict[str, Any] = run.report[package]
    return entry


def test_both_import_paths_synthesize_byte_identical_trees(
    lazy_app: MainRun, full_app: MainRun
) -> None:
    assert lazy_app.returncode == 0, lazy_app.stderr
    assert full_app.returncode == 0, full_app.stderr
    lazy, full = lazy_app.tree(), full_app.tree()
    assert sorted(lazy) == sorted(full)
    assert [path for path in lazy if lazy[path] != full[path]] == []
    assert len([path for path in lazy if path.endswith("cdk.tf.json")]) >= 6  # the whole app


def test_default_path_skips_the_package_init_and_imports_few_modules(lazy_app: MainRun) -> None:
    for package in (AWS, AZURERM):
        loaded = provider(lazy_app, package)
        assert loaded["assembly_loaded"], package
        assert not loaded["init_ran"], package
        assert loaded["submodules"] < loaded["available"] / 10, package


def test_a_lab_without_argocd_never_loads_the_kubernetes_provider(
    lazy_app: MainRun, full_app: MainRun
) -> None:
    """Only the ArgoCD hand-off needs it (lab.yaml's argocd: section; the fixture has none)."""
    for run in (lazy_app, full_app):
        kubernetes = provider(run, KUBERNETES)
        assert not kubernetes["assembly_loaded"]
        assert kubernetes["submodules"] == 0


def test_full_path_runs_the_package_init(full_app: MainRun) -> None:
    for package in (AWS, AZURERM):
        loaded = provider(full_app, package)
        assert loaded["init_ran"], package
        assert loaded["submodules"] >= loaded["available"], package


def test_management_stack_loads_no_provider(
    management_stack: tuple[MainRun, dict[str, bytes]],
) -> None:
    run, _ = management_stack
    for package in (AWS, AZURERM, KUBERNETES):
        loaded = provider(run, package)
        assert not loaded["assembly_loaded"], package
        assert loaded["submodules"] == 0, package


def test_aws_stack_loads_aws_but_not_azurerm(aws_stack: MainRun) -> None:
    assert provider(aws_stack, AWS)["assembly_loaded"]
    azurerm = provider(aws_stack, AZURERM)
    assert not azurerm["assembly_loaded"]
    assert azurerm["submodules"] == 0


def test_unknown_import_mode_fails_with_a_clear_error(tmp_path: Path) -> None:
    run = run_main(tmp_path / "cdktf.out", provider_import="bogus")

    assert run.returncode == 2
    assert run.stderr == (
        "error: LAB_PROVIDER_IMPORT must be 'lazy' (the default) or 'full', not 'bogus'\n"
    )
    assert not run.outdir.exists()
