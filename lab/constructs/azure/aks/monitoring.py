"""What an AKS cluster reports: Container Insights (node and pod metrics, container logs) and
its control plane's logs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from cdktn_provider_azurerm.monitor_data_collection_rule import (
    MonitorDataCollectionRule,
    MonitorDataCollectionRuleDataFlow,
    MonitorDataCollectionRuleDataSources,
    MonitorDataCollectionRuleDataSourcesExtension,
    MonitorDataCollectionRuleDestinations,
    MonitorDataCollectionRuleDestinationsLogAnalytics,
)
from cdktn_provider_azurerm.monitor_data_collection_rule_association import (
    MonitorDataCollectionRuleAssociation,
)
from cdktn_provider_azurerm.monitor_diagnostic_setting import (
    MonitorDiagnosticSetting,
    MonitorDiagnosticSettingEnabledLog,
)
from constructs import Construct

CONTAINER_INSIGHTS_STREAMS: Final = ("Microsoft-ContainerInsights-Group-Default",)
"""The default Container Insights tables, as the portal's onboarding selects them."""
CONTAINER_INSIGHTS_SETTINGS: Final = {
    "dataCollectionSettings": {
        "enableContainerLogV2": True,
        "interval": "1m",
        "namespaceFilteringMode": "Off",
    }
}
CONTAINER_INSIGHTS_EXTENSION_NAME: Final = "ContainerInsightsExtension"
"""Name AKS's own onboarding gives the data source and the association; the portal looks for it."""


def enable_container_insights(
    scope: Construct,
    *,
    cluster_name: str,
    cluster_id: str,
    location: str,
    resource_group_name: str,
    workspace_id: str,
    tags: Mapping[str, str],
) -> MonitorDataCollectionRule:
    """A data collection rule and its association (``ContainerInsightsRule``,
    ``ContainerInsightsAssociation``): Container Insights with managed identity authentication
    collects nothing without them (the portal creates them, the ARM API that Terraform calls
    does not)."""
    destination = "workspace"
    collection_rule = MonitorDataCollectionRule(
        scope,
        "ContainerInsightsRule",
        # The prefix AKS's own onboarding uses; at most 59 characters.
        name=f"MSCI-{cluster_name}",
        location=location,
        resource_group_name=resource_group_name,
        description=f"Container Insights for AKS cluster {cluster_name}.",
        destinations=MonitorDataCollectionRuleDestinations(
            log_analytics=[
                MonitorDataCollectionRuleDestinationsLogAnalytics(
                    name=destination, workspace_resource_id=workspace_id
                )
            ]
        ),
        data_flow=[
            MonitorDataCollectionRuleDataFlow(
                streams=list(CONTAINER_INSIGHTS_STREAMS), destinations=[destination]
            )
        ],
        data_sources=MonitorDataCollectionRuleDataSources(
            extension=[
                MonitorDataCollectionRuleDataSourcesExtension(
                    name=CONTAINER_INSIGHTS_EXTENSION_NAME,
                    extension_name="ContainerInsights",
                    streams=list(CONTAINER_INSIGHTS_STREAMS),
                    extension_json=json.dumps(CONTAINER_INSIGHTS_SETTINGS, sort_keys=True),
                )
            ]
        ),
        tags=dict(tags),
    )
    MonitorDataCollectionRuleAssociation(
        scope,
        "ContainerInsightsAssociation",
        name=CONTAINER_INSIGHTS_EXTENSION_NAME,
        target_resource_id=cluster_id,
        data_collection_rule_id=collection_rule.id,
        description="Deleting this association stops Container Insights for the cluster.",
    )
    return collection_rule


class ControlPlaneLog(StrEnum):
    """Log categories of ``Microsoft.ContainerService/managedClusters`` (Azure's "Monitor
    AKS" page, MicrosoftDocs/azure-aks-docs articles/aks/monitor-aks.md)."""

    KUBE_APISERVER = "kube-apiserver"
    KUBE_AUDIT = "kube-audit"
    """Every audited request, reads included: by far the largest and costliest category."""
    KUBE_AUDIT_ADMIN = "kube-audit-admin"
    """Audited requests without get and list: the audit trail Azure recommends."""
    KUBE_CONTROLLER_MANAGER = "kube-controller-manager"
    KUBE_SCHEDULER = "kube-scheduler"
    CLUSTER_AUTOSCALER = "cluster-autoscaler"
    CLOUD_CONTROLLER_MANAGER = "cloud-controller-manager"
    GUARD = "guard"
    """Entra ID sign-ins and Azure RBAC decisions."""
    CSI_AZUREDISK_CONTROLLER = "csi-azuredisk-controller"
    CSI_AZUREFILE_CONTROLLER = "csi-azurefile-controller"
    CSI_SNAPSHOT_CONTROLLER = "csi-snapshot-controller"


CONTROL_PLANE_LOGS: Final = (
    ControlPlaneLog.KUBE_APISERVER,
    ControlPlaneLog.KUBE_AUDIT_ADMIN,
    ControlPlaneLog.GUARD,
    ControlPlaneLog.KUBE_CONTROLLER_MANAGER,
    ControlPlaneLog.KUBE_SCHEDULER,
    ControlPlaneLog.CLUSTER_AUTOSCALER,
)
"""What EKS clusters send too (API server, audit, authenticator, controller manager,
scheduler), with the cheaper admin audit, plus the managed autoscaler's decisions."""


def send_control_plane_logs(
    scope: Construct,
    *,
    cluster_id: str,
    workspace_id: str,
) -> MonitorDiagnosticSetting:
    """A diagnostic setting (``ControlPlaneLogs``) sending :data:`CONTROL_PLANE_LOGS` to the
    workspace, into resource-specific tables (AKSAudit, AKSAuditAdmin, AKSControlPlane), the
    mode Azure recommends over the legacy AzureDiagnostics table."""
    return MonitorDiagnosticSetting(
        scope,
        "ControlPlaneLogs",
        name="control-plane-logs",
        target_resource_id=cluster_id,
        log_analytics_workspace_id=workspace_id,
        log_analytics_destination_type="Dedicated",
        enabled_log=[
            MonitorDiagnosticSettingEnabledLog(category=category.value)
            for category in CONTROL_PLANE_LOGS
        ],
    )
