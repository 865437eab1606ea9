"""The Kubernetes manifests an experiment ships for ArgoCD: parseable before they are pushed.

ArgoCD deploys ``experiments/<experiment>/<cluster>/argocd/`` to that cluster (see
``argocd/applicationsets/experiments.yaml``). A file it cannot parse fails the sync after the
merge; ``lab validate`` and synth read the folder first, with the usual file-and-field errors:

* a Helm chart (``Chart.yaml`` in the folder): ``Chart.yaml`` and ``values*.yaml`` must be
  YAML mappings; ``templates/`` is Go templates, not YAML, and is not read;
* otherwise (plain manifests, or a ``kustomization.yaml``): every ``.yaml``/``.yml`` file, all
  its documents, must be mappings; each manifest needs ``apiVersion``, ``kind`` and
  ``metadata.name`` (a kustomization needs none of them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from lab.errors import Problem
from lab.yamlfile import duplicate_keys

APPS_FOLDER: Final = "argocd"
"""The folder, beside ``cluster.yaml``, holding what ArgoCD deploys to the cluster."""
_KUSTOMIZATIONS: Final = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
_SUFFIXES: Final = (".yaml", ".yml")


def check_apps_folder(folder: Path) -> list[Problem]:
    """Every problem in the manifests under ``folder`` (none when it does not exist)."""
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _SUFFIXES)
    if (folder / "Chart.yaml").is_file():
        charts = [p for p in files if p.parent == folder and _is_chart_file(p.name)]
        return [problem for path in charts for problem in _check_file(path, manifests=False)]
    if not files:
        return [
            Problem.at(
                folder,
                "",
                "holds no .yaml manifests; add the experiment's manifests, or remove the folder",
            )
        ]
    return [
        problem
        for path in files
        for problem in _check_file(path, manifests=path.name not in _KUSTOMIZATIONS)
    ]


def _is_chart_file(name: str) -> bool:
    return name == "Chart.yaml" or name.startswith("values")


def _check_file(path: Path, *, manifests: bool) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Problem.at(path, "", f"cannot be read: {error}")]
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        return [Problem.at(path, "", f"is not valid YAML{where}: {reason}")]
    except RecursionError:
        return [Problem.at(path, "", "nests lists and mappings too deeply to read")]
    except (ValueError, OverflowError) as error:  # an escape beyond Unicode ("\UA0010000")
        return [Problem.at(path, "", f"is not valid YAML: {error}")]
    problems: list[Problem] = []
    several = len(documents) > 1
    for index, (node, document) in enumerate(zip(nodes, documents, strict=True)):
        prefix = f"[document {index + 1}]" if several else ""
        problems += [
            Problem.at(path, f"{prefix}{'.' if prefix else ''}{field}", message)
            for field, message in duplicate_keys(node)
        ]
        if document is None:
            continue
        if not isinstance(document, dict):
            kind = type(document).__name__
            problems.append(Problem.at(path, prefix, f"must be a mapping, not a {kind}"))
        elif manifests:
            problems += [Problem.at(path, _at(prefix, f), m) for f, m in _manifest_gaps(document)]
    return problems


def _at(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if prefix else field


def _manifest_gaps(document: dict[str, Any]) -> list[tuple[str, str]]:
    """What a Kubernetes object needs before the API server will read it."""
    gaps = [
        (key, "is required: every manifest names its apiVersion and kind")
        for key in ("apiVersion", "kind")
        if not isinstance(document.get(key), str) or not document[key]
    ]
    metadata = document.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        gaps.append(("metadata.name", "is required: every manifest names its object"))
    return gaps
