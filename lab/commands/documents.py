"""The ``--json`` documents of the ``lab`` commands, as typed models.

Scripts read these documents, so their shape is an interface: each is a pydantic model (in
its command's module), whose JSON Schema ``lab docs`` writes into ``docs/json-output.md``.
``format_version`` changes when a key changes meaning or goes away; new keys may be added
within a version.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Document(BaseModel):
    """Base of the documents and their parts: immutable, every field described."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    def json_data(self) -> dict[str, object]:
        """The document as plain JSON data (enums as their values)."""
        return self.model_dump(mode="json")
