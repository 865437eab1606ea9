"""Values with a fixed written form: what passes, and the one message for what does not."""

from __future__ import annotations

import pytest

from lab.rules import RuleError
from lab.rules.formats import (
    GIT_REVISION,
    GIT_URL,
    LOGIN,
    REPOSITORY_NAME,
    SEMVER,
    SPACELIFT_ID,
    Format,
    check_format,
)


@pytest.mark.parametrize(
    ("form", "value"),
    [
        (SEMVER, "1.11.14"),
        (SPACELIFT_ID, "01HV8Z3K4M5N6P7Q8R9S0T1V2W"),
        (REPOSITORY_NAME, "illm-k8s-lab"),
        (LOGIN, "alice@example.com"),
        (GIT_URL, "https://github.com/acme/lab.git"),
        (GIT_URL, "git@github.com:acme/lab.git"),
        (GIT_REVISION, "release/1.2"),
    ],
)
def test_values_of_the_form_pass(form: Format, value: str) -> None:
    assert check_format(value, field="x", form=form) == value


@pytest.mark.parametrize(
    ("form", "value"),
    [
        (SEMVER, "1.11"),
        (SEMVER, "1.11.14\n"),
        (SPACELIFT_ID, "01hv8z3k4m5n6p7q8r9s0t1v2w"),  # ULIDs are upper case
        (REPOSITORY_NAME, "acme/illm-k8s-lab"),
        (LOGIN, "alice smith"),
        (GIT_URL, "github.com/acme/lab"),
        (GIT_REVISION, "main..feature"),
        (GIT_REVISION, "-main"),
    ],
)
def test_other_values_are_refused_with_an_example(form: Format, value: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_format(value, field="x", form=form)
    assert str(caught.value) == (
        f"x: {value!r} is not valid here; expected something like {form.example}"
    )
