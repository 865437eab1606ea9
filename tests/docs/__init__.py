"""Tests of what docs/ ships besides prose: the permission documents of docs/bootstrap/."""
