"""Paths and helpers shared by the checkov gate tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDED = FIXTURES / "checkov_output"
"""Real checkov 3.3.30 output; see the README there for how it was recorded."""
ROOT_PLACEHOLDER = "@ROOT@"
"""Stands for the scanned directory in the recorded output."""


def recorded(name: str, root: Path) -> str:
    """A recorded checkov JSON output as if checkov had scanned ``root``."""
    text = (RECORDED / f"{name}.json").read_text(encoding="utf-8")
    return text.replace(ROOT_PLACEHOLDER, str(root))


class FakeCheckov:
    """A stand-in checkov executable that replays a recorded output and logs how it was run.

    It replaces the placeholder with the directory it was asked to scan, like the real
    checkov would name it, and exits with the code checkov gave for that output. It can
    also stand for a checkov that cannot start (:meth:`bad_interpreter`) or that hangs
    (:meth:`hang`).
    """

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "checkov"
        self.stdout_file = workdir / "stdout.txt"
        self.call_file = workdir / "call.json"

    def replay(self, output: str, exit_code: int, stderr: str = "") -> FakeCheckov:
        self.stdout_file.write_text(output, encoding="utf-8")
        self.path.write_text(self._script(exit_code, stderr), encoding="utf-8")
        self.path.chmod(0o755)
        return self

    def replay_recorded(self, name: str) -> FakeCheckov:
        """Replay a recorded output with the exit code checkov gave: 1 when a check failed."""
        output = (RECORDED / f"{name}.json").read_text(encoding="utf-8")
        data = json.loads(output)
        reports = data if isinstance(data, list) else [data]
        failed = any(report.get("results", {}).get("failed_checks") for report in reports)
        return self.replay(output, int(failed))

    def bad_interpreter(self) -> FakeCheckov:
        """An executable whose ``#!`` line names no interpreter: running it raises OSError."""
        self.path.write_text("#!/nonexistent/python3\n", encoding="utf-8")
        self.path.chmod(0o755)
        return self

    def hang(self, seconds: float) -> FakeCheckov:
        """Sleep ``seconds`` without printing anything, as a checkov that hangs would."""
        self.path.write_text(
            f"#!{sys.executable}\nimport time\ntime.sleep({seconds!r})\n", encoding="utf-8"
        )
        self.path.chmod(0o755)
        return self

    def call(self) -> dict[str, Any]:
        """How the gate ran it: argv, cwd, environment and the config file's text."""
        return json.loads(self.call_file.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def _script(self, exit_code: int, stderr: str) -> str:
        return f"""#!{sys.executable}
import json, os, pathlib, sys
argv = sys.argv[1:]
config = pathlib.Path(argv[argv.index("--config-file") + 1]).read_text()
call = {{"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "config": config}}
pathlib.Path({str(self.call_file)!r}).write_text(json.dumps(call))
root = argv[argv.index("--directory") + 1]
output = pathlib.Path({str(self.stdout_file)!r}).read_text()
sys.stdout.write(output.replace({ROOT_PLACEHOLDER!r}, root))
sys.stderr.write({stderr!r})
sys.exit({exit_code})
"""
