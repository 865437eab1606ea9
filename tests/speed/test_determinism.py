"""What a checkout synthesizes is the same byte for byte, from anywhere (that the committed
cdktf.out/ is what the users' lab gives is `make check-synth`'s)."""

from __future__ import annotations

from tests.speed.support import MainRun


def test_two_checkouts_synthesize_the_same_output(lazy_app: MainRun, full_app: MainRun) -> None:
    """The repository itself and a copy of its sources in a deeper directory, synthesized by
    separate processes into different temp dirs: identical trees.
    (The two runs also differ in provider import path: see test_provider_loading.py.)"""
    assert lazy_app.returncode == 0, lazy_app.stderr
    assert full_app.returncode == 0, full_app.stderr
    assert lazy_app.tree() == full_app.tree()
