"""The committed output is what any checkout synthesizes: byte for byte, from anywhere."""

from __future__ import annotations

from tests.helpers import REPO, read_tree
from tests.speed.support import MainRun


def test_two_checkouts_synthesize_the_committed_output(
    whole_app: MainRun, copied_app: MainRun
) -> None:
    """The repository itself and a copy of its sources in a deeper directory, synthesized by
    separate processes into different temp dirs: identical trees, equal to what is committed."""
    assert whole_app.returncode == 0, whole_app.stderr
    assert copied_app.returncode == 0, copied_app.stderr
    assert whole_app.tree() == copied_app.tree()
    assert whole_app.tree() == read_tree(REPO / "cdktf.out"), "the committed cdktf.out/ is stale"
