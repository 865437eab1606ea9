"""What every stack of the fixture lab applies, address by address, as a reviewed snapshot.

Each resource and data source is recorded by its Terraform address with a digest of its
configuration (CDKTF's ``//`` metadata, which names the construct path, left out). A
refactoring of the constructs must leave this snapshot as it is: a changed address would
make OpenTofu destroy one resource and create another, a changed digest changes what is
applied. A deliberate change updates the snapshot (``pytest --snapshot-update``) and the
diff shows which resources it touches.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from syrupy.assertion import SnapshotAssertion

from tests.stacks.conftest import SynthTree


def without_metadata(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_metadata(v) for k, v in value.items() if k != "//"}
    if isinstance(value, list):
        return [without_metadata(item) for item in value]
    return value


def digests(document: dict[str, Any]) -> dict[str, str]:
    """``<type>.<name>`` (``data.`` for data sources) -> a short digest of its configuration."""
    found = {}
    for kind, prefix in (("resource", ""), ("data", "data.")):
        for resource_type, blocks in document.get(kind, {}).items():
            for name, body in blocks.items():
                text = json.dumps(without_metadata(body), sort_keys=True)
                found[f"{prefix}{resource_type}.{name}"] = hashlib.sha256(
                    text.encode()
                ).hexdigest()[:16]
    return dict(sorted(found.items()))


def test_every_address_and_configuration_is_the_reviewed_one(
    shipped_synth: SynthTree, json_snapshot: SnapshotAssertion
) -> None:
    assert {stack: digests(doc) for stack, doc in sorted(shipped_synth.items())} == json_snapshot


def test_the_digest_sees_a_change_of_one_attribute() -> None:
    before = {"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "//": {"a": 1}}}}}
    after = {"resource": {"aws_vpc": {"main": {"cidr_block": "10.1.0.0/16", "//": {"a": 1}}}}}
    moved = {"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16", "//": {"a": 2}}}}}
    assert digests(before) != digests(after)
    assert digests(before) == digests(moved)  # construct paths are metadata, not configuration
