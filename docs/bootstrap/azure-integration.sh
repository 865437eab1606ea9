#!/usr/bin/env bash
# Azure rights for the Spacelift Azure integration of the lab (docs/bootstrap.md, step 3).
#
# Run once, as someone who may assign roles on the subscription (Owner, or User Access
# Administrator plus Contributor), after spacelift-root has created the integration and
# you have granted it admin consent. It gives the integration's service principal, on the
# subscription:
#   1. Contributor: the stacks create resource groups, networks, AKS clusters, identities
#      and monitoring, and (with lab.yaml cost.monthly_budget_usd) the lab's consumption
#      budget on the subscription (Microsoft.Consumption/budgets/*, inside Contributor's *);
#   2. Role Based Access Control Administrator, with a condition: it may create and delete
#      role assignments of the roles in ASSIGNABLE_ROLES only (each AKS cluster's identity
#      gets Network Contributor on the node subnet; Azure RBAC roles on a cluster for
#      AksCluster.grant_access and ArgoCD);
# and registers the EncryptionAtHost feature that AKS host encryption needs.
#
# Needs Azure CLI 2.18 or later (role assignment conditions) and `az login`.
# DRY_RUN=1 prints the commands instead of running them.

set -euo pipefail

# --- fill these in (or pass them as environment variables) ---------------------------
# lab.yaml spacelift.azure_integration.subscription_id
SUBSCRIPTION_ID="${SUBSCRIPTION_ID:-00000000-0000-0000-0000-000000000000}"
# Object ID of the integration's service principal: the Spacelift Enterprise Application
# that appears in Entra ID after admin consent (Enterprise applications, its Object ID),
# or `az ad sp show --id <its application id> --query id --output tsv`.
SPACELIFT_SP_OBJECT_ID="${SPACELIFT_SP_OBJECT_ID:-00000000-0000-0000-0000-000000000000}"
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

PLACEHOLDER="00000000-0000-0000-0000-000000000000"
if [[ "$SUBSCRIPTION_ID" == "$PLACEHOLDER" || "$SPACELIFT_SP_OBJECT_ID" == "$PLACEHOLDER" ]]; then
  echo "Set SUBSCRIPTION_ID and SPACELIFT_SP_OBJECT_ID first (top of $0)." >&2
  exit 2
fi

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

# The delegation condition Microsoft documents for "allow only these roles": one clause
# for creating assignments (the requested role), one for deleting them (the existing one).
CONDITION="(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
 )
 OR
 (
  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE_LIST}}
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
  --assignee-object-id "$SPACELIFT_SP_OBJECT_ID" \
  --assignee-principal-type ServicePrincipal \
  --role Contributor \
  --scope "$SCOPE" \
  --description "Spacelift: the lab's stacks create and delete their resources."

run az role assignment create \
  --assignee-object-id "$SPACELIFT_SP_OBJECT_ID" \
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
