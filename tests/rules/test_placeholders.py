"""Documentation values: each kind is recognised, and values that could be real are not."""

from __future__ import annotations

import pytest

from lab.rules.placeholders import PLACEHOLDERS, find_placeholders, placeholder_reason


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("203.0.113.0/24", "IPv4 documentation range"),
        ("198.51.100.7/32", "IPv4 documentation range"),
        ("192.0.2.0/28", "IPv4 documentation range"),
        ("2001:db8:1::/48", "IPv6 documentation range"),
        ("00000000-0000-0000-0000-000000000000", "nil GUID"),
        ("arn:aws:iam::111122223333:role/platform-admin", "AWS example account"),
        ("arn:aws:iam::123456789012:user/ann", "AWS example account"),
        ("123456789012", "AWS example account"),
        ("https://github.com/<owner>/illm-k8s-lab.git", "template"),
        ("https://git.example.com/lab.git", "example domain"),
        ("git@example.org:lab.git", "example domain"),
        ("https://lab.test/repo.git", "example domain"),
    ],
)
def test_documentation_values_are_placeholders(value: str, kind: str) -> None:
    [expected] = [p.reason for p in PLACEHOLDERS if p.name == kind]
    assert placeholder_reason(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "81.2.69.0/24",
        "198.51.101.0/24",  # next to TEST-NET-2, and allocated
        "203.0.0.0/16",  # contains TEST-NET-3 but is mostly real
        "10.40.0.0/16",
        "2001:db9::/32",
        "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b",
        "arn:aws:iam::210987654321:role/platform-admin",
        "https://github.com/example/illm-k8s-lab.git",  # a GitHub owner, not a domain
        "https://github.com/acme/illm-k8s-lab.git",
        "https://notexample.com/lab.git",
        "eastus",
        "illm-k8s-lab",
    ],
)
def test_values_that_could_be_real_are_not(value: str) -> None:
    assert placeholder_reason(value) is None


def test_each_field_is_reported_once_with_its_path() -> None:
    data = {
        "aws": {"eks": {"public_access_cidrs": ["81.2.69.0/24", "203.0.113.0/24"]}},
        "argocd": {"repo_url": "https://github.com/<owner>/x.git", "namespace": "argocd"},
        "tags": {"project": "lab"},
    }
    assert [(path, value) for path, value, _ in find_placeholders(data)] == [
        ("aws.eks.public_access_cidrs[1]", "203.0.113.0/24"),
        ("argocd.repo_url", "https://github.com/<owner>/x.git"),
    ]


def test_the_starter_space_is_a_placeholder_in_its_field_only() -> None:
    """`spacelift.space_id: root` would give spacelift-root Space admin over the whole
    account; the same word elsewhere, or a lab space's id there, is not a placeholder."""
    [(field, value, reason)] = find_placeholders({"spacelift": {"space_id": "root"}})
    assert (field, value) == ("spacelift.space_id", "root")
    assert "whole Spacelift account" in reason
    assert list(find_placeholders({"spacelift": {"space_id": "lab-01JB7Q5W3X9Y2Z4A6C8E0G"}})) == []
    assert list(find_placeholders({"spacelift": {"branch": "root"}})) == []
