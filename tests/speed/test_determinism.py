"""The committed output is what any checkout synthesizes: byte for byte, from anywhere."""

from __future__ import annotations

from tests.helpers import REPO, read_tree
from tests.speed.support import MainRun


def test_two_checkouts_synthesize_the_committed_output(
    lazy_app: MainRun, full_app: MainRun
) -> None:
    """The repository itself and a copy of its sources in a deeper directory, synthesized by
    separate processes into different temp dirs: identical trees, equal to what is committed.
    (The two runs also differ in provider import path: see test_provider_loading.py.)"""
    assert lazy_app.returncode == 0, lazy_app.stderr
    assert full_app.returncode == 0, full_app.stderr
    assert lazy_app.tree() == full_app.tree()
    assert lazy_app.tree() == read_tree(REPO / "cdktf.out"), "the committed cdktf.out/ is stale"
