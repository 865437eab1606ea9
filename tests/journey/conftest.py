"""A new user's first experiment, run once per session in the background: a minute of
subprocesses (scaffold, synth, the checks of ``make test``) on a copy of the repository,
beside the rest of the suite (:mod:`tests.background`)."""

from __future__ import annotations

from concurrent.futures import Future

import pytest

from tests.background import Background, selected
from tests.journey.first_experiment import Journey, walk

_background = Background("first-experiment")


def _journey() -> Future[Journey]:
    return _background.submit("journey", walk, _background.scratch / "repo")


def pytest_collection_finish(session: pytest.Session) -> None:
    if selected(session, "first_experiment"):
        _journey()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _background.close()


@pytest.fixture(scope="session")
def first_experiment() -> Journey:
    return _journey().result()
