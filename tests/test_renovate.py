"""Renovate finds every pin: the locks, package.json, the workflow actions, lab.yaml's OpenTofu."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from tests.helpers import REPO

CONFIG: dict[str, Any] = json.loads((REPO / "renovate.json").read_text())


def file_pattern(pattern: str) -> re.Pattern[str]:
    """Renovate's "/regex/" managerFilePatterns form, as a Python pattern."""
    assert pattern.startswith("/") and pattern.endswith("/"), pattern
    return re.compile(pattern[1:-1])


def test_every_lock_is_handed_to_the_pip_compile_manager() -> None:
    patterns = [file_pattern(p) for p in CONFIG["pip-compile"]["managerFilePatterns"]]
    locks = sorted(path.name for path in REPO.glob("requirements*.lock"))
    assert locks == [
        "requirements-checkov.lock",
        "requirements-dev.lock",
        "requirements-opa.lock",
        "requirements.lock",
    ]
    for lock in locks:
        assert any(p.search(lock) for p in patterns), lock
    assert not any(p.search("requirements-opa.in") for p in patterns)


def test_the_managers_cover_npm_actions_and_the_regex_manager() -> None:
    assert set(CONFIG["enabledManagers"]) == {
        "pip-compile",
        "npm",
        "github-actions",
        "custom.regex",
    }
    assert "helpers:pinGitHubActionDigests" in CONFIG["extends"]


def test_the_opentofu_pin_in_lab_yaml_is_found_with_its_current_value() -> None:
    [manager] = [
        m
        for m in CONFIG["customManagers"]
        if any(file_pattern(p).search("lab.yaml") for p in m["managerFilePatterns"])
    ]
    [match_string] = manager["matchStrings"]
    # Renovate's named groups are (?<name>...); Python spells them (?P<name>...).
    found = re.search(match_string.replace("(?<", "(?P<"), (REPO / "lab.yaml").read_text())
    assert found is not None
    pinned = yaml.safe_load((REPO / "lab.yaml").read_text())["spacelift"]["opentofu_version"]
    assert found["currentValue"] == pinned
    assert manager["depNameTemplate"] == "opentofu/opentofu"


def test_constructs_stays_below_what_cdktn_accepts() -> None:
    [rule] = [
        r
        for r in CONFIG["packageRules"]
        if r.get("matchPackageNames") == ["constructs"] and "allowedVersions" in r
    ]
    assert rule["allowedVersions"] == "<10.8.0"
