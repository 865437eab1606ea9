"""Machine types and regions against the vendored catalogues, with the nearest names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lab.rules import (
    RuleError,
    check_aws_instance_type,
    check_aws_region,
    check_azure_location,
    check_azure_vm_size,
)
from lab.rules.catalogue import DATA, catalogue


def refusal(check: Callable[..., str], value: str) -> str:
    with pytest.raises(RuleError) as caught:
        check(value, field="f")
    return str(caught.value)


def test_the_catalogues_are_sorted_lists_of_unique_names() -> None:
    for path in sorted(DATA.glob("*.txt")):
        lines = path.read_text().splitlines()
        assert lines == sorted(set(lines)), path.name
        assert all(line and line == line.strip() for line in lines), path.name
    # Every machine type and region the lab's presets and examples use is in them.
    assert {"t3.large", "m5.xlarge", "m5.2xlarge", "m7g.xlarge"} <= catalogue("aws_instance_types")
    assert {"Standard_D2s_v3", "Standard_D4s_v3", "Standard_D8s_v3"} <= catalogue("azure_vm_sizes")
    assert {"us-east-1", "eu-west-1"} <= catalogue("aws_regions")
    assert {"eastus", "westeurope"} <= catalogue("azure_locations")


def test_real_names_pass() -> None:
    assert check_aws_instance_type("m7i.large", field="f") == "m7i.large"
    assert check_azure_vm_size("Standard_D4ads_v6", field="f") == "Standard_D4ads_v6"
    assert check_aws_region("ap-southeast-2", field="f") == "ap-southeast-2"
    assert check_azure_location("swedencentral", field="f") == "swedencentral"


def test_a_typo_gets_the_nearest_names() -> None:
    assert refusal(check_aws_instance_type, "m5.xlarg") == (
        "f: 'm5.xlarg' is not an EC2 instance type; did you mean 'm5.xlarge' or 'm5n.xlarge' or "
        "'m5d.xlarge'?"
    )
    assert "did you mean 'Standard_D4s_v3'" in refusal(check_azure_vm_size, "Standard_D4s_v33")
    assert refusal(check_azure_vm_size, "standard_d4s_v3") == (
        "f: 'standard_d4s_v3' is not an Azure VM size; did you mean 'Standard_D4s_v3'?"
    )
    assert refusal(check_aws_region, "us-east-7").startswith(
        "f: 'us-east-7' is not an AWS region; did you mean "
    )
    assert refusal(check_azure_location, "West Europe") == (
        "f: 'West Europe' is not a programmatic region name; did you mean 'westeurope'? (the "
        "Name column of `az account list-locations -o table`)"
    )


def test_a_well_formed_name_the_cloud_does_not_offer_is_refused() -> None:
    # A pattern would pass both; neither cloud offers them.
    assert "is not an EC2 instance type" in refusal(check_aws_instance_type, "m5.huge")
    assert "is not an Azure VM size" in refusal(check_azure_vm_size, "Standard_D4s_v99")
    assert "is not an Azure region" in refusal(check_azure_location, "marsnorth")


def test_the_other_clouds_name_is_called_out() -> None:
    assert refusal(check_azure_vm_size, "m5.xlarge") == (
        "f: 'm5.xlarge' is not an Azure VM size (that is an EC2 instance type); use a name like "
        "Standard_D4s_v3"
    )
    assert refusal(check_aws_instance_type, "Standard_D4s_v3") == (
        "f: 'Standard_D4s_v3' is not an EC2 instance type (that is an Azure VM size); use a name "
        "like m5.xlarge"
    )
    assert "(that is" not in refusal(check_aws_instance_type, "big")
