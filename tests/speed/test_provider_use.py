"""Each synth loads only the providers its stacks need: loading a provider's jsii assembly
costs node a few tenths of a second even with lazy exports (lab/lazy_exports.cjs), so the
app imports provider modules inside the stacks that use them."""

from __future__ import annotations

from typing import Any

from tests.speed.support import MainRun

AWS = "cdktn_provider_aws"
AZURERM = "cdktn_provider_azurerm"
KUBERNETES = "cdktn_provider_kubernetes"


def provider(run: MainRun, package: str) -> dict[str, Any]:
    assert run.returncode == 0, run.stderr
    assert run.report is not None, "the probe wrote no report: atexit handlers did not run"
    entry: dict[str, Any] = run.report[package]
    return entry


def test_the_whole_app_loads_aws_and_azurerm(whole_app: MainRun) -> None:
    for package in (AWS, AZURERM):
        assert provider(whole_app, package)["assembly_loaded"], package


def test_a_lab_without_argocd_never_loads_the_kubernetes_provider(
    whole_app: MainRun, copied_app: MainRun
) -> None:
    """Only the ArgoCD hand-off needs it (lab.yaml's argocd: section; the fixture has none)."""
    for run in (whole_app, copied_app):
        kubernetes = provider(run, KUBERNETES)
        assert not kubernetes["assembly_loaded"]
        assert kubernetes["submodules"] == 0


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
