"""An experiment cluster's argocd/ folder: what ArgoCD would fail to parse is refused first,
by validate and synth alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lab.cli import main
from lab.definition import load_definition
from lab.errors import LabDefinitionError, display_path
from lab.manifests import check_apps_folder
from tests.helpers import FIXTURE_CONFIG

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n"


def _apps(experiments_dir: Path) -> Path:
    folder = experiments_dir / "multi-cloud-demo" / "target" / "argocd"
    folder.mkdir()
    return folder


def test_a_cluster_with_manifests_is_marked_for_argocd(experiments_dir: Path) -> None:
    (_apps(experiments_dir) / "app.yaml").write_text(CONFIG_MAP + "---\n" + CONFIG_MAP)
    lab = load_definition(FIXTURE_CONFIG, experiments_dir)
    clusters = {c.full_name: c for e in lab.experiments for c in e.clusters}
    assert clusters["multi-cloud-demo-target"].has_apps is True
    assert clusters["multi-cloud-demo-target"].apps_path == (
        "experiments/multi-cloud-demo/target/argocd"
    )
    assert clusters["multi-cloud-demo-loadgen"].has_apps is False


@pytest.mark.parametrize(
    ("text", "field", "fact"),
    [
        ("kind: ConfigMap\nmetadata:\n  name: a\n", "apiVersion", "is required"),
        ("apiVersion: v1\nkind: ConfigMap\n", "metadata.name", "is required"),
        (CONFIG_MAP + "---\napiVersion: v1\nkind: Secret\n", "[document 2].metadata.name", "is"),
        ("apiVersion: v1\nkind: [unclosed\n", "", "is not valid YAML at line 3"),
        ("- a\n- b\n", "", "must be a mapping, not a list"),
        (CONFIG_MAP + "kind: Secret\n", "kind", "is given twice"),
    ],
)
def test_a_broken_manifest_is_refused_naming_the_file_and_field(
    experiments_dir: Path, text: str, field: str, fact: str
) -> None:
    manifest = _apps(experiments_dir) / "app.yaml"
    manifest.write_text(text)
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(FIXTURE_CONFIG, experiments_dir)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(manifest), field)
    assert fact in problem.message


def test_an_empty_folder_says_what_to_do(experiments_dir: Path) -> None:
    folder = _apps(experiments_dir)
    [problem] = check_apps_folder(folder)
    assert problem.file == display_path(folder)
    assert "holds no .yaml manifests" in problem.message


def test_kustomizations_and_helm_charts_are_read_for_what_they_are(tmp_path: Path) -> None:
    kustomize = tmp_path / "kustomize"
    kustomize.mkdir()
    (kustomize / "kustomization.yaml").write_text("resources: [app.yaml]\n")
    (kustomize / "app.yaml").write_text(CONFIG_MAP)
    assert check_apps_folder(kustomize) == []
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicas: 2\n")
    # Go templates are not YAML: not read.
    (chart / "templates" / "deploy.yaml").write_text("{{- if .Values.x }}\nkind: {{ .K }}\n")
    assert check_apps_folder(chart) == []
    (chart / "values.yaml").write_text("replicas: [2\n")
    [problem] = check_apps_folder(chart)
    assert problem.file == display_path(chart / "values.yaml")


def test_validate_refuses_it_with_exit_2(experiments_dir: Path) -> None:
    (_apps(experiments_dir) / "app.yaml").write_text("kind: ConfigMap\n")
    result = CliRunner().invoke(
        main, ["validate", "--config", str(FIXTURE_CONFIG), "--experiments", str(experiments_dir)]
    )
    assert result.exit_code == 2
    assert "argocd/app.yaml: apiVersion: is required" in result.output


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ('data: "\\UA0010000"\n', "is not valid YAML: "),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "too deeply"),
    ],
    ids=["escape-beyond-unicode", "deep-nesting"],
)
def test_manifests_that_crash_the_yaml_library_are_problems(
    tmp_path: Path, text: str, fact: str
) -> None:
    apps = tmp_path / "argocd"
    apps.mkdir()
    (apps / "app.yaml").write_text(text)
    [problem] = check_apps_folder(apps)
    assert problem.file == display_path(apps / "app.yaml")
    assert fact in problem.message
