"""The vendored ArgoCD sources, read once per session."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

VENDOR = Path(__file__).parent / "vendor"
_GO_STRUCT = re.compile(r"^type (\w+) struct \{$(.*?)^\}", re.M | re.S)
_JSON_TAG = re.compile(r'`json:"([^",]+)')


@pytest.fixture(scope="session")
def applicationset_schema() -> dict[str, Any]:
    """ArgoCD v3.5.1's ApplicationSet CRD schema (openAPIV3Schema)."""
    raw = gzip.decompress((VENDOR / "applicationset-crd.v3.5.1.openapiv3.json.gz").read_bytes())
    schema: dict[str, Any] = json.loads(raw)
    return schema


@pytest.fixture(scope="session")
def appproject_schema() -> dict[str, Any]:
    """ArgoCD v3.5.1's AppProject CRD schema (openAPIV3Schema)."""
    raw = gzip.decompress((VENDOR / "appproject-crd.v3.5.1.openapiv3.json.gz").read_bytes())
    schema: dict[str, Any] = json.loads(raw)
    return schema


@pytest.fixture(scope="session")
def go_json_fields() -> dict[str, set[str]]:
    """The JSON field names of each Go struct in the vendored types, by struct name."""
    text = (VENDOR / "cluster_config_types.go.txt").read_text()
    return {name: set(_JSON_TAG.findall(body)) - {"-"} for name, body in _GO_STRUCT.findall(text)}
