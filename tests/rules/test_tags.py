"""Tags both clouds accept."""

from __future__ import annotations

import pytest

from lab.rules import RuleError
from lab.rules.tags import check_tags


def test_ordinary_tags_pass() -> None:
    check_tags({"project": "illm-k8s-lab", "managed-by": "spacelift", "cost center": "lab:1"})


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"team/owner": "x"}, "tags.team/owner: 'team/owner' is not a tag key both clouds accept"),
        ({"": "x"}, "tags.: '' is not a tag key both clouds accept"),
        ({"k" * 129: "x"}, "is not a tag key both clouds accept: 1-128"),
        ({"aws:owner": "x"}, "tags.aws:owner: keys starting with 'aws:' are reserved for AWS"),
        ({"owner": "a<b>"}, "tags.owner: 'a<b>' is not a tag value both clouds accept"),
        ({"owner": "v" * 257}, "is not a tag value both clouds accept: at most 256"),
    ],
)
def test_tags_either_cloud_refuses(tags: dict[str, str], message: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_tags(tags)
    assert message in str(caught.value)
