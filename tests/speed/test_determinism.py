"""What a checkout synthesizes is the same byte for byte, from anywhere (that the committed
cdktf.out/ is what the users' lab gives is `make check-synth`'s)."""

from __future__ import annotations

from tests.speed.support import MainRun


def test_two_checkouts_synthesize_the_same_output(whole_app: MainRun, copied_app: MainRun) -> None:
    """The repository itself and a copy of its sources in a deeper directory, each
    synthesizing the fixture lab in a separate process into a different temp dir: identical
    trees."""
    assert whole_app.returncode == 0, whole_app.stderr
    assert copied_app.returncode == 0, copied_app.stderr
    assert whole_app.tree() == copied_app.tree()
