"""`lab graph`: Mermaid and dot output, exact and deterministic."""

from __future__ import annotations

import random

from lab.commands.graph import GraphFormat, build_graph, render
from lab.definition import load_definition
from tests.cli.conftest import Invoke, Lab

MERMAID = """\
flowchart LR
  spacelift_root["spacelift-root<br/>management"]
  subgraph cloud_aws["AWS"]
    aws_foundation["aws-foundation<br/>foundation (aws)"]
    exp_beta_eks["exp-beta-eks<br/>experiment (aws)"]
  end
  subgraph cloud_azure["Azure"]
    azure_foundation["azure-foundation<br/>foundation (azure)"]
    exp_alpha_aks["exp-alpha-aks<br/>experiment (azure)"]
    exp_beta_aks["exp-beta-aks<br/>experiment (azure)"]
  end
  exp_alpha_aks -->|depends on| azure_foundation
  exp_beta_aks -->|depends on| aws_foundation
  exp_beta_aks -->|depends on| azure_foundation
  exp_beta_eks -->|depends on| aws_foundation
  exp_beta_eks -->|depends on| azure_foundation
  spacelift_root -.->|manages| aws_foundation
  spacelift_root -.->|manages| azure_foundation
  spacelift_root -.->|manages| exp_alpha_aks
  spacelift_root -.->|manages| exp_beta_aks
  spacelift_root -.->|manages| exp_beta_eks
  classDef management fill:#ede7f6,stroke:#5e35b1,color:#212121
  class spacelift_root management
  classDef foundation fill:#e3f2fd,stroke:#1e88e5,color:#212121
  class aws_foundation,azure_foundation foundation
  classDef experiment fill:#e8f5e9,stroke:#43a047,color:#212121
  class exp_alpha_aks,exp_beta_aks,exp_beta_eks experiment
"""

DOT_WITHOUT_MANAGEMENT = """\
digraph lab {
  rankdir=LR;
  node [shape=box, style="rounded,filled", fontname="Helvetica"];
  edge [fontname="Helvetica", fontsize=10];
  subgraph cluster_aws {
    label="AWS";
    "aws-foundation" [label="aws-foundation\\nfoundation (aws)", fillcolor="#e3f2fd", color="#1e88e5"];
    "exp-beta-eks" [label="exp-beta-eks\\nexperiment (aws)", fillcolor="#e8f5e9", color="#43a047"];
  }
  subgraph cluster_azure {
    label="Azure";
    "azure-foundation" [label="azure-foundation\\nfoundation (azure)", fillcolor="#e3f2fd", color="#1e88e5"];
    "exp-alpha-aks" [label="exp-alpha-aks\\nexperiment (azure)", fillcolor="#e8f5e9", color="#43a047"];
    "exp-beta-aks" [label="exp-beta-aks\\nexperiment (azure)", fillcolor="#e8f5e9", color="#43a047"];
  }
  "exp-alpha-aks" -> "azure-foundation" [label="depends on"];
  "exp-beta-aks" -> "aws-foundation" [label="depends on"];
  "exp-beta-aks" -> "azure-foundation" [label="depends on"];
  "exp-beta-eks" -> "aws-foundation" [label="depends on"];
  "exp-beta-eks" -> "azure-foundation" [label="depends on"];
}
"""  # noqa: E501


def test_mermaid_is_the_default(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("graph", *small_lab.options)
    assert result.exit_code == 0
    assert result.stdout == MERMAID
    assert result.stderr == ""


def test_dot_without_management(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("graph", "--format", "dot", "--no-management", *small_lab.options)
    assert result.exit_code == 0
    assert result.stdout == DOT_WITHOUT_MANAGEMENT


def test_dot_with_management_draws_dashed_edges(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("graph", "--format", "dot", *small_lab.options)
    assert (
        '  "spacelift-root" [label="spacelift-root\\nmanagement", fillcolor="#ede7f6", '
        'color="#5e35b1"];'
    ) in result.stdout.splitlines()
    managed = [line for line in result.stdout.splitlines() if "style=dashed" in line]
    assert managed[0] == (
        '  "spacelift-root" -> "aws-foundation" [label="manages", style=dashed, color="#757575"];'
    )
    assert len(managed) == 5


def test_mermaid_without_management_has_no_dashed_edges(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("graph", "--no-management", *small_lab.options)
    assert "spacelift_root" not in result.stdout
    assert "-.->" not in result.stdout
    assert "exp_beta_eks -->|depends on| aws_foundation" in result.stdout


def test_output_does_not_depend_on_the_definition_order(small_lab: Lab) -> None:
    definition = load_definition(small_lab.config, small_lab.experiments)
    shuffled = list(definition.stacks)
    random.Random(7).shuffle(shuffled)
    for fmt in GraphFormat:
        assert render(shuffled, fmt) == render(definition.stacks, fmt)


def test_graph_content(small_lab: Lab) -> None:
    graph = build_graph(load_definition(small_lab.config, small_lab.experiments).stacks)
    # beta has clusters on both clouds: each of its stacks also reads the other's egress.
    assert graph.dependencies == (
        ("exp-alpha-aks", "azure-foundation"),
        ("exp-beta-aks", "aws-foundation"),
        ("exp-beta-aks", "azure-foundation"),
        ("exp-beta-eks", "aws-foundation"),
        ("exp-beta-eks", "azure-foundation"),
    )
    assert [s.id for s in graph.unclustered] == ["spacelift-root"]
    assert [(cloud.value, [s.id for s in stacks]) for cloud, stacks in graph.by_cloud] == [
        ("aws", ["aws-foundation", "exp-beta-eks"]),
        ("azure", ["azure-foundation", "exp-alpha-aks", "exp-beta-aks"]),
    ]


def test_unknown_format_is_a_usage_error(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("graph", "--format", "svg", *small_lab.options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'svg' is not one of 'mermaid', 'dot'" in result.stderr
