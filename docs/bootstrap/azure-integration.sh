#!/usr/bin/env bash
# Azure rights for the lab's three Spacelift Azure integrations (docs/bootstrap.md, step 3).
#
# Run once, as someone who may assign roles and create role definitions on the subscription
# (Owner, or User Access Administrator plus Contributor), after spacelift-root has created
# the integrations and you have granted each admin consent. It gives, on the subscription:
#   - the read integration (plans of every Azure stack, pull-request previews included):
#     Reader, and Azure Kubernetes Service Cluster User Role (the azurerm provider reads a
#     cluster's user kubeconfig when it refreshes the cluster; with local accounts disabled
#     that kubeconfig holds no credential);
#   - the foundation integration (applies of azure-foundation): Contributor (which also
#     covers the lab's consumption budget on the subscription with lab.yaml
#     cost.monthly_budget_usd: Microsoft.Consumption/budgets/* is inside its *); it assigns
#     no roles;
#   - the experiment integration (applies of exp-*-aks): the custom role "lab experiment
#     writer" (EXPERIMENT_ACTIONS below: its own resource groups, clusters, identities and
#     monitoring; on the foundation's network only joining the node subnet and its NSG
#     rules), and Role Based Access Control Administrator with a condition: it may create
#     and delete role assignments of the roles in ASSIGNABLE_ROLES only, for service
#     principals, users and groups (each AKS cluster's identity gets Network Contributor on
#     the node subnet; Azure RBAC roles on a cluster for AksCluster.grant_access and ArgoCD);
# and registers the EncryptionAtHost feature that
# AKS host encryption needs.
#
# Needs Azure CLI 2.18 or later (role assignment conditions) and `az login`.
# DRY_RUN=1 prints the commands instead of running them.

set -euo pipefail

# --- fill these in (or pass them as environment variables) ---------------------------
# lab.yaml spacelift.azure_integration.subscription_id
SUBSCRIPTION_ID="${SUBSCRIPTION_ID:-00000000-0000-0000-0000-000000000000}"
# Object IDs of the integrations' service principals (<lab>-azure-read, -foundation and
# -experiment): the Spacelift Enterprise Applications that appear in Entra ID after admin
# consent (Enterprise applications, their Object ID), or
# `az ad sp show --id <its application id> --query id --output tsv`.
READ_SP_OBJECT_ID="${READ_SP_OBJECT_ID:-00000000-0000-0000-0000-000000000000}"
FOUNDATION_SP_OBJECT_ID="${FOUNDATION_SP_OBJECT_ID:-00000000-0000-0000-0000-000000000000}"
EXPERIMENT_SP_OBJECT_ID="${EXPERIMENT_SP_OBJECT_ID:-00000000-0000-0000-0000-000000000000}"
# ---------------------------------------------------------------------------------------

# Built-in role definition IDs the integration may assign (and remove), from Microsoft's
# "Azure built-in roles" reference (networking and containers pages). Keep in sync with
# the roles lab/ assigns: NETWORK_CONTRIBUTOR_ROLE in lab/constructs/azure/aks/cluster.py
# and AksRole in lab/constructs/azure/aks/access.py (tests/docs checks the names).
ASSIGNABLE_ROLES=(
  4d97b98b-1d4f-4787-a291-c67834d212e7 # Network Contributor
  b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b # Azure Kubernetes Service RBAC Cluster Admin
  3498e952-d568-435e-9b2c-8d77e338d7f7 # Azure Kubernetes Service RBAC Admin
  a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb # Azure Kubernetes Service RBAC Writer
  7f6c6a51-bcf8-42ba-9220-52d62157d7db # Azure Kubernetes Service RBAC Reader
)

# What the experiment stacks manage (tests/docs checks this list against the azurerm types
# the exp-*-aks stacks synthesize). Not here: writing virtual networks, subnets, NAT
# gateways, public IP prefixes or network security groups, which are the foundation's.
EXPERIMENT_ACTIONS=(
  "*/read"
  "Microsoft.Resources/subscriptions/resourceGroups/write"
  "Microsoft.Resources/subscriptions/resourceGroups/delete"
  "Microsoft.Resources/deployments/*"
  "Microsoft.ContainerService/managedClusters/*"
  "Microsoft.ManagedIdentity/userAssignedIdentities/*"
  "Microsoft.OperationalInsights/workspaces/*"
  "Microsoft.Insights/dataCollectionRules/*"
  "Microsoft.Insights/dataCollectionRuleAssociations/*"
  "Microsoft.Insights/diagnosticSettings/*"
  "Microsoft.Network/networkSecurityGroups/securityRules/*"
  "Microsoft.Network/networkSecurityGroups/join/action"
  "Microsoft.Network/virtualNetworks/subnets/join/action"
)

PLACEHOLDER="00000000-0000-0000-0000-000000000000"
for value in "$SUBSCRIPTION_ID" "$READ_SP_OBJECT_ID" "$FOUNDATION_SP_OBJECT_ID" "$EXPERIMENT_SP_OBJECT_ID"; do
  if [[ "$value" == "$PLACEHOLDER" ]]; then
    echo "Set SUBSCRIPTION_ID, READ_SP_OBJECT_ID, FOUNDATION_SP_OBJECT_ID and EXPERIMENT_SP_OBJECT_ID first (top of $0)." >&2
    exit 2
  fi
done
declare -A SEEN=()
for value in "$READ_SP_OBJECT_ID" "$FOUNDATION_SP_OBJECT_ID" "$EXPERIMENT_SP_OBJECT_ID"; do
  if [[ -n "${SEEN[$value]:-}" ]]; then
    echo "The three integrations need three service principals; $value is given twice." >&2
    exit 2
  fi
  SEEN[$value]=1
done

run() {
  if [[ "${DRY_RUN:-}" == "1" ]]; then
    printf '%q ' "$@"
    printf '\n'
  else
    "$@"
  fi
}

SCOPE="/subscriptions/${SUBSCRIPTION_ID}"
ROLE_LIST="$(
  IFS=,
  echo "${ASSIGNABLE_ROLES[*]}"
)"
ROLE_LIST="${ROLE_LIST//,/, }"

# The delegation conditions Microsoft documents, "constrain roles" and (in its negative
# form) "specific principals" (MicrosoftDocs/azure-docs, articles/role-based-access-control/
# delegate-role-assignments-examples.md and conditions-authorization-actions-attributes.md:
# PrincipalId takes GuidNotEquals): creating an assignment needs one of the lab's roles and
# a principal other than the three integrations, so the experiment writer cannot give
# itself, or a sibling, Network Contributor on the foundation; deleting one needs one of
# the lab's roles. The principals the lab assigns to are created by the stacks (cluster
# identities) or named in lab.yaml (users and groups alike), so no list of allowed
# principals or principal types is fixed in advance.
CONDITION="(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
 )
 OR
 (
  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE_LIST}}
  AND
  @Request[Microsoft.Authorization/roleAssignments:PrincipalId] GuidNotEquals ${READ_SP_OBJECT_ID}
  AND
  @Request[Microsoft.Authorization/roleAssignments:PrincipalId] GuidNotEquals ${FOUNDATION_SP_OBJECT_ID}
  AND
  @Request[Microsoft.Authorization/roleAssignments:PrincipalId] GuidNotEquals ${EXPERIMENT_SP_OBJECT_ID}
 )
)
AND
(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
 )
 OR
 (
  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE_LIST}}
 )
)"

run az account set --subscription "$SUBSCRIPTION_ID"

run az role assignment create \
  --assignee-object-id "$READ_SP_OBJECT_ID" \
  --assignee-principal-type ServicePrincipal \
  --role Reader \
  --scope "$SCOPE" \
  --description "Spacelift plans: read the lab's resources."

run az role assignment create \
  --assignee-object-id "$READ_SP_OBJECT_ID" \
  --assignee-principal-type ServicePrincipal \
  --role "Azure Kubernetes Service Cluster User Role" \
  --scope "$SCOPE" \
  --description "Spacelift plans: the provider reads each cluster's user kubeconfig."

run az role assignment create \
  --assignee-object-id "$FOUNDATION_SP_OBJECT_ID" \
  --assignee-principal-type ServicePrincipal \
  --role Contributor \
  --scope "$SCOPE" \
  --description "Spacelift foundation applies: the network and its resource group."

ACTIONS_JSON="$(printf '"%s",' "${EXPERIMENT_ACTIONS[@]}")"
ROLE_DEFINITION="{
  \"Name\": \"lab experiment writer\",
  \"Description\": \"Spacelift experiment applies: clusters, identities, monitoring; on the foundation's network only subnet joins and NSG rules.\",
  \"Actions\": [${ACTIONS_JSON%,}],
  \"NotActions\": [],
  \"AssignableScopes\": [\"${SCOPE}\"]
}"
run az role definition create --role-definition "$ROLE_DEFINITION"

run az role assignment create \
  --assignee-object-id "$EXPERIMENT_SP_OBJECT_ID" \
  --assignee-principal-type ServicePrincipal \
  --role "lab experiment writer" \
  --scope "$SCOPE" \
  --description "Spacelift experiment applies: the experiments' resources only."

run az role assignment create \
  --assignee-object-id "$EXPERIMENT_SP_OBJECT_ID" \
  --assignee-principal-type ServicePrincipal \
  --role "Role Based Access Control Administrator" \
  --scope "$SCOPE" \
  --condition "$CONDITION" \
  --condition-version "2.0" \
  --description "Spacelift: the lab's role assignments (Network Contributor, AKS RBAC roles) only."

# Host encryption on AKS nodes needs this subscription feature. Registration takes a few
# minutes: rerun the `feature show` until it says Registered, then refresh the provider.
run az feature register --namespace Microsoft.Compute --name EncryptionAtHost
run az feature show --namespace Microsoft.Compute --name EncryptionAtHost \
  --query properties.state --output tsv
run az provider register --namespace Microsoft.Compute
