"""Names the lab derives resource names from, and each cloud's machine types."""

from __future__ import annotations

import pytest

from lab.rules import (
    RuleError,
    check_aws_instance_type,
    check_azure_location,
    check_azure_vm_size,
    check_dns_label,
    check_extra_pool_name,
    check_iam_principal_arn,
    check_iam_role_arn,
    check_node_pool_name,
    check_object_id,
    check_resource_group_name,
    check_unique,
    check_vnet_name,
)


def refusal(check: object, value: object, **options: object) -> str:
    with pytest.raises(RuleError) as caught:
        check(value, field="f", **options)  # type: ignore[operator]
    assert caught.value.field.startswith("f")
    return str(caught.value)


@pytest.mark.parametrize("value", ["a", "lab", "exp-1", "a" * 24])
def test_dns_labels(value: str) -> None:
    assert check_dns_label(value, field="name", max_length=24) == value


@pytest.mark.parametrize("value", ["", "Lab", "-a", "a-", "a_b", "a" * 25])
def test_not_dns_labels(value: str) -> None:
    assert refusal(check_dns_label, value, max_length=24, purpose="it names things") == (
        f"f: {value!r} is not a lowercase DNS label of at most 24 characters (a-z, 0-9 and "
        "'-', starting and ending with a letter or digit); it names things"
    )


@pytest.mark.parametrize("value", ["spot", "gpu2", "a" * 12])
def test_node_pool_names(value: str) -> None:
    assert check_node_pool_name(value, field="name") == value


@pytest.mark.parametrize("value", ["Spot", "2pool", "sp-ot", "a" * 13, ""])
def test_not_node_pool_names(value: str) -> None:
    assert refusal(check_node_pool_name, value) == (
        f"f: {value!r} is not a node pool name: use lowercase letters and digits, starting with "
        "a letter, at most 12 (AKS's limit, kept on both clouds)"
    )


def test_machine_types_name_the_other_cloud() -> None:
    assert check_azure_vm_size("Standard_D4s_v3", field="vm_size") == "Standard_D4s_v3"
    assert check_aws_instance_type("m7g.xlarge", field="vm_size") == "m7g.xlarge"
    assert refusal(check_azure_vm_size, "m5.xlarge") == (
        "f: 'm5.xlarge' is not an Azure VM size (that is an EC2 instance type); use a name like "
        "Standard_D4s_v3"
    )
    assert refusal(check_aws_instance_type, "Standard_D4s_v3") == (
        "f: 'Standard_D4s_v3' is not an EC2 instance type (that is an Azure VM size); use a name "
        "like m5.xlarge"
    )
    assert "(that is" not in refusal(check_aws_instance_type, "big")


def test_object_ids_are_lowercase_guids() -> None:
    guid = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    assert check_object_id(guid, field="id") == guid
    for bad in (guid.upper(), "{" + guid + "}", "group-admins", ""):
        assert "is not an Entra ID object id" in refusal(check_object_id, bad)


def test_azure_names() -> None:
    assert check_resource_group_name("rg-lab(1)", field="g") == "rg-lab(1)"
    assert "must not end with '.'" in refusal(check_resource_group_name, "rg.")
    assert check_vnet_name("vnet-lab", field="v") == "vnet-lab"
    assert "2-64 letters" in refusal(check_vnet_name, "v" * 65)
    assert check_azure_location("westeurope", field="l") == "westeurope"
    assert "not a programmatic region name" in refusal(check_azure_location, "West Europe")


def test_iam_arns() -> None:
    role = "arn:aws:iam::123456789012:role/platform/admin"
    assert check_iam_principal_arn(role, field="a") == role
    assert check_iam_principal_arn("arn:aws:iam::123456789012:user/ann", field="a")
    assert check_iam_role_arn(role, field="a") == role
    assert refusal(check_iam_principal_arn, "arn:aws:sts::123456789012:assumed-role/x/y") == (
        "f: 'arn:aws:sts::123456789012:assumed-role/x/y' is an STS session, not a principal; use "
        "the role's own ARN, arn:aws:iam::<account>:role/<name>"
    )
    assert "is not an IAM role or user ARN" in refusal(
        check_iam_principal_arn, "arn:aws:iam::1:role/x"
    )
    assert "is not an IAM role ARN" in refusal(
        check_iam_role_arn, "arn:aws:iam::123456789012:user/x"
    )


def test_unique_lists() -> None:
    check_unique(["a", "b"], field="xs")
    with pytest.raises(RuleError) as caught:
        check_unique(["a", "b", "a"], field="xs")
    assert str(caught.value) == "xs[2]: 'a' is listed twice; list it once"


def test_an_extra_pool_takes_neither_a_reserved_name_nor_another_pool_s() -> None:
    check_extra_pool_name("spot", field="name", reserved={"system"}, taken={"gpu"})
    for name, message in (
        ("system", "'system' is the default pool's name; choose another"),
        ("gpu", "'gpu' is used by two pools; name each once"),
    ):
        with pytest.raises(RuleError) as caught:
            check_extra_pool_name(name, field="name", reserved={"system"}, taken={"gpu"})
        assert (caught.value.field, caught.value.message) == ("name", message)
