"""docs/bootstrap.md: no step that needs a value the docs cannot say where to find."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from lab.cli import main

BOOTSTRAP: Final = Path(__file__).resolve().parents[2] / "docs" / "bootstrap.md"


def _section(text: str, number: int) -> str:
    start = text.index(f"\n## {number}. ")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_no_step_asks_for_the_role_attachment_id() -> None:
    text = BOOTSTRAP.read_text()
    assert "root_role_attachment_id:" not in text  # never asked to set it
    assert "does not manage\nits own role attachment" in _section(text, 5)


def test_validate_strict_is_the_last_step_before_the_first_push() -> None:
    settle = _section(BOOTSTRAP.read_text(), 4)
    strict = settle.index("bin/lab validate --strict")
    assert settle.index("make synth") < strict
    assert "Push once it passes." in " ".join(settle[strict:].split())  # however it wraps


def test_every_lab_command_the_steps_name_exists() -> None:
    named = set(re.findall(r"`(?:bin/)?lab (\w[\w-]*)", BOOTSTRAP.read_text()))
    assert {"doctor", "validate"} <= named
    assert named <= set(main.commands)
