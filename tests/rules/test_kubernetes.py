"""Kubernetes versions as the lab writes them."""

from __future__ import annotations

import pytest

from lab.rules import RuleError, check_kubernetes_minor


@pytest.mark.parametrize("version", ["1.35", "1.36", "1.100"])
def test_minor_versions_pass(version: str) -> None:
    assert check_kubernetes_minor(version) == version


def test_a_patch_version_is_refused_with_its_minor() -> None:
    with pytest.raises(RuleError) as caught:
        check_kubernetes_minor("1.35.2")
    assert str(caught.value) == (
        "kubernetes_version: '1.35.2' pins a patch release; give the minor version only, '1.35' "
        "(the cloud picks and upgrades the patch)"
    )


@pytest.mark.parametrize("version", ["1.3x", "v1.35", "2.0", "1.035", ""])
def test_other_shapes_are_refused(version: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_kubernetes_minor(version)
    assert str(caught.value) == (
        f"kubernetes_version: {version!r} is not a Kubernetes minor version; write it like '1.35'"
    )
