"""What an AKS cluster reports: Container Insights (node and pod metrics, container logs)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

from cdktf_cdktf_provider_azurerm.monitor_data_collection_rule import (
    MonitorDataCollectionRule,
    MonitorDataCollectionRuleDataFlow,
    MonitorDataCollectionRuleDataSources,
    MonitorDataCollectionRuleDataSourcesExtension,
    MonitorDataCollectionRuleDestinations,
    MonitorDataCollectionRuleDestinationsLogAnalytics,
)
from cdktf_cdktf_provider_azurerm.monitor_data_collection_rule_association import (
    MonitorDataCollectionRuleAssociation,
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
