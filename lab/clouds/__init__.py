"""The clouds of the lab, one package each; see :class:`lab.clouds.unit.CloudUnit`."""

from __future__ import annotations

from typing import Final

from lab.clouds.aws import AWS
from lab.clouds.azure import AZURE
from lab.clouds.unit import Cloud, CloudUnit

CLOUDS: Final[tuple[CloudUnit, ...]] = (AZURE, AWS)
"""Every cloud, in the order stacks, tables and diagrams list them."""

_BY_ID: Final = {cloud.id: cloud for cloud in CLOUDS}


def cloud_unit(cloud: Cloud) -> CloudUnit:
    """The unit of ``cloud``."""
    return _BY_ID[cloud]


__all__ = ["CLOUDS", "Cloud", "CloudUnit", "cloud_unit"]
