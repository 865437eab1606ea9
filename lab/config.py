"""The typed model of ``lab.yaml``: everything synth needs, and no credentials.

Every model rejects unknown keys and wrong types; cross-field rules (subnets inside
the VNet, no open API servers, ...) are validators here, so a bad ``lab.yaml`` fails
with the file and the field before any construct is built.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Final

from pydantic import AfterValidator, Field, model_validator

from lab.constructs.aws.vpc_types import RFC1918_RANGES, NatMode
from lab.constructs.cidr import parse_cidr
from lab.errors import LabDefinitionError
from lab.yamlfile import StrictModel, load_mapping, validate_file

DEFAULT_CONFIG_PATH: Final = Path("lab.yaml")

SUPPORTED_KUBERNETES_VERSIONS: Final = ("1.34", "1.35", "1.36")
"""Minor versions in standard support on both AKS and EKS (checked 2026-11; 1.34 leaves
AKS support first). Update this tuple when a minor version enters or leaves support."""

DEFAULT_MAX_NODES_PER_CLUSTER: Final = 10
MAX_PROJECT_NAME_LENGTH: Final = 24

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_CRON_FIELDS = 5
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]{1,512}$")
_IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_AWS_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_AZURE_LOCATION = re.compile(r"^[a-z][a-z0-9]*$")
_AZURE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$")


# --- reusable field types -------------------------------------------------------------


def _network(value: str) -> str:
    parse_cidr(value)
    return value


def _not_the_internet(value: str) -> str:
    parse_cidr(value, example="203.0.113.0/24", reject_internet=True)
    return value


def _kubernetes_version(value: str) -> str:
    if value not in SUPPORTED_KUBERNETES_VERSIONS:
        allowed = ", ".join(SUPPORTED_KUBERNETES_VERSIONS)
        raise ValueError(f"{value!r} is not a supported minor version (supported: {allowed})")
    return value


def _project_name(value: str) -> str:
    if not _DNS_LABEL.match(value) or len(value) > MAX_PROJECT_NAME_LENGTH:
        raise ValueError(
            f"{value!r} must be a lowercase DNS label of at most {MAX_PROJECT_NAME_LENGTH} "
            "characters (a-z, 0-9 and '-', starting and ending with a letter or digit); "
            "it prefixes resource names"
        )
    return value


Cidr = Annotated[str, AfterValidator(_network)]
ApiAllowedCidr = Annotated[str, AfterValidator(_not_the_internet)]
ProjectName = Annotated[str, AfterValidator(_project_name)]
KubernetesVersion = Annotated[str, AfterValidator(_kubernetes_version)]


def _matching(pattern: re.Pattern[str], example: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not valid here; expected something like {example}")
        return value

    return AfterValidator(check)


# --- Spacelift --------------------------------------------------------------------------


class DriftDetectionSettings(StrictModel):
    """Scheduled drift detection on the foundation stacks (proposed runs; never reconciles)."""

    enabled: bool = True
    """Default: true. Spacelift runs drift detection only on private worker pools."""
    schedule: tuple[str, ...] = ("0 6 * * 1-5",)
    """Cron expressions. Default: weekdays at 06:00."""
    timezone: str = "UTC"

    @model_validator(mode="after")
    def _check_schedule(self) -> DriftDetectionSettings:
        if self.enabled and not self.schedule:
            raise ValueError("schedule: give at least one cron expression, or set enabled: false")
        for expression in self.schedule:
            if len(expression.split()) != _CRON_FIELDS:
                raise ValueError(
                    f"schedule: {expression!r} is not a five-field cron expression "
                    "(minute hour day-of-month month day-of-week)"
                )
        return self


class AwsIntegrationSettings(StrictModel):
    """A Spacelift AWS cloud integration: runs assume ``role_arn`` instead of using static keys."""

    role_arn: Annotated[str, _matching(_IAM_ROLE_ARN, "arn:aws:iam::123456789012:role/spacelift")]
    duration_seconds: int = Field(default=3600, ge=3600, le=43200)
    """Default: 3600. At least an hour: creating an EKS cluster outlasts the 900 s API default."""


class AzureIntegrationSettings(StrictModel):
    """A Spacelift Azure cloud integration (Spacelift's own app in your tenant)."""

    tenant_id: Annotated[str, _matching(_UUID, "00000000-0000-0000-0000-000000000000")]
    subscription_id: Annotated[str, _matching(_UUID, "00000000-0000-0000-0000-000000000000")]


class SpaceliftSettings(StrictModel):
    """How the management stack creates and configures every other Spacelift stack."""

    repository: Annotated[str, _matching(re.compile(r"^[A-Za-z0-9._-]+$"), "illm-k8s-lab")]
    """The repository name without its owner (the VCS integration implies the owner)."""
    branch: str = "main"
    """Default: main. The branch every stack tracks."""
    github_namespace: str | None = None
    """Default: none (the account's default GitHub integration). Set the owner to use a
    GitHub custom app integration (``github_enterprise`` block)."""
    space_id: str = "root"
    """Default: root. The Spacelift space holding the stacks, contexts and policies."""
    opentofu_version: Annotated[str, _matching(_SEMVER, "1.11.14")]
    """The OpenTofu release every stack runs, pinned exactly."""
    labels: tuple[str, ...] = ()
    """Labels added to every stack besides the generated ones."""
    experiment_autodeploy: bool = True
    """Default: true. Whether experiment stacks apply without a confirmation when their
    plan policy has no warnings. Foundations never autodeploy."""
    policies: bool = True
    """Default: true. Create the policies of ``policies/`` (approval, plan, push guardrails).
    They need a paid Spacelift plan; without them, turn ``experiment_autodeploy`` off."""
    worker_pool_id: str | None = None
    """Default: none (the public worker pool)."""
    root_role_attachment_id: str | None = None
    """ID of the space-admin role attachment given to ``spacelift-root`` by hand at bootstrap.
    When set, the stack imports that attachment instead of creating a second one.
    Default: none."""
    drift_detection: DriftDetectionSettings = DriftDetectionSettings()
    aws_integration: AwsIntegrationSettings | None = None
    """Default: none (credentials come from the aws-credentials context)."""
    azure_integration: AzureIntegrationSettings | None = None
    """Default: none (credentials come from the azure-credentials context)."""

    @model_validator(mode="after")
    def _check_labels(self) -> SpaceliftSettings:
        for label in self.labels:
            if not label or label.startswith("autoattach:") or "," in label:
                raise ValueError(
                    f"labels: {label!r} cannot be used; labels are non-empty, have no commas "
                    "and do not start with 'autoattach:' (the app manages attachments)"
                )
        return self


# --- Azure ------------------------------------------------------------------------------


class SubnetSettings(StrictModel):
    name: Annotated[str, _matching(_AZURE_NAME, "snet-aks-nodes")]
    address_prefix: Cidr


class VnetSettings(StrictModel):
    name: Annotated[str, _matching(_AZURE_NAME, "vnet-lab")]
    address_space: tuple[Cidr, ...] = Field(min_length=1)
    subnets: tuple[SubnetSettings, ...] = Field(min_length=1)
    aks_subnet: str
    """Name of the subnet, among ``subnets``, that AKS nodes join."""

    @model_validator(mode="after")
    def _check_layout(self) -> VnetSettings:
        spaces = [ipaddress.ip_network(space) for space in self.address_space]
        seen: dict[str, ipaddress.IPv4Network | ipaddress.IPv6Network] = {}
        for index, subnet in enumerate(self.subnets):
            where = f"subnets[{index}]"
            prefix = ipaddress.ip_network(subnet.address_prefix)
            if subnet.name in seen:
                raise ValueError(f"{where}.name: {subnet.name!r} is used by two subnets")
            if not any(_inside(prefix, space) for space in spaces):
                raise ValueError(
                    f"{where}.address_prefix: {prefix} lies outside the VNet address space "
                    f"({', '.join(self.address_space)}); pick a prefix inside it"
                )
            for other_name, other in seen.items():
                if prefix.overlaps(other):
                    raise ValueError(
                        f"{where}.address_prefix: {prefix} overlaps subnet {other_name!r} "
                        f"({other}); subnets of one VNet must not overlap"
                    )
            seen[subnet.name] = prefix
        if self.aks_subnet not in seen:
            raise ValueError(
                f"aks_subnet: {self.aks_subnet!r} is not one of the subnets "
                f"({', '.join(seen)}); name the subnet AKS nodes should join"
            )
        return self


class AksSettings(StrictModel):
    """Settings every AKS cluster of the lab shares."""

    kubernetes_version: KubernetesVersion
    authorized_ip_ranges: tuple[ApiAllowedCidr, ...] = ()
    """CIDRs allowed to reach the API server. Required unless ``private_cluster``."""
    private_cluster: bool = False
    """Default: false. A private API server is reachable only from inside the VNet."""
    admin_group_object_ids: tuple[
        Annotated[str, _matching(_UUID, "00000000-0000-0000-0000-000000000000")], ...
    ] = ()
    """Entra ID groups whose members administer the clusters. Default: none."""

    @model_validator(mode="after")
    def _check_exposure(self) -> AksSettings:
        if self.private_cluster and self.authorized_ip_ranges:
            raise ValueError(
                "authorized_ip_ranges: a private cluster has no public API server to restrict; "
                "remove the ranges or set private_cluster: false"
            )
        if not self.private_cluster and not self.authorized_ip_ranges:
            raise ValueError(
                "authorized_ip_ranges: list the CIDRs allowed to reach the API server, "
                "or set private_cluster: true"
            )
        return self


class AzureSettings(StrictModel):
    location: Annotated[str, _matching(_AZURE_LOCATION, "eastus")]
    resource_group: Annotated[str, _matching(_AZURE_NAME, "rg-lab-foundation")]
    vnet: VnetSettings
    aks: AksSettings


# --- AWS --------------------------------------------------------------------------------


class EksSettings(StrictModel):
    """Settings every EKS cluster of the lab shares."""

    kubernetes_version: KubernetesVersion
    public_access_cidrs: tuple[ApiAllowedCidr, ...] = ()
    """CIDRs allowed to reach the public API endpoint. Default: none (private endpoint only)."""
    admin_principal_arns: tuple[
        Annotated[str, _matching(_IAM_PRINCIPAL_ARN, "arn:aws:iam::123456789012:role/admin")],
        ...,
    ] = Field(min_length=1)
    """IAM roles or users granted cluster admin through EKS access entries."""


class AwsSettings(StrictModel):
    region: Annotated[str, _matching(_AWS_REGION, "us-east-1")]
    az_count: int = Field(default=3, ge=2, le=6)
    """Default: 3. EKS needs subnets in at least two availability zones."""
    vpc_cidr: Cidr
    nat_mode: NatMode = NatMode.SINGLE
    """Default: single (one NAT gateway: the lab's cost choice)."""
    eks: EksSettings

    @model_validator(mode="after")
    def _check_vpc(self) -> AwsSettings:
        network = ipaddress.ip_network(self.vpc_cidr)
        private = network.version == 4 and any(network.subnet_of(block) for block in RFC1918_RANGES)
        if not private or not 16 <= network.prefixlen <= 20:
            raise ValueError(
                f"vpc_cidr: {network} must be a private (RFC 1918) IPv4 range between /16 and "
                "/20 (AWS allows /16 at most; smaller than /20 leaves too few pod IPs)"
            )
        return self


# --- the whole file ---------------------------------------------------------------------


class Limits(StrictModel):
    max_nodes_per_cluster: int = Field(default=DEFAULT_MAX_NODES_PER_CLUSTER, ge=1, le=100)
    """Default: 10. The cost cap: no cluster may have or scale to more nodes."""


class LabConfig(StrictModel):
    """The root of ``lab.yaml``."""

    name: ProjectName
    """Project name: prefixes resource names (at most 24 characters)."""
    spacelift: SpaceliftSettings
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on every cloud resource (AWS default_tags, Azure resource tags)."""
    limits: Limits = Limits()
    azure: AzureSettings
    aws: AwsSettings


def load_config(path: Path = DEFAULT_CONFIG_PATH) -> LabConfig:
    """Read and validate ``path``; raise :class:`LabDefinitionError` listing every problem."""
    data, problems = load_mapping(path)
    if data is None:
        raise LabDefinitionError(problems)
    config, problems = validate_file(LabConfig, data, path)
    if config is None:
        raise LabDefinitionError(problems)
    return config


def _inside(
    inner: ipaddress.IPv4Network | ipaddress.IPv6Network,
    outer: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> bool:
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


__all__ = [
    "SUPPORTED_KUBERNETES_VERSIONS",
    "AksSettings",
    "AwsIntegrationSettings",
    "AwsSettings",
    "AzureIntegrationSettings",
    "AzureSettings",
    "EksSettings",
    "LabConfig",
    "Limits",
    "NatMode",
    "SpaceliftSettings",
    "load_config",
]
