"""The error every rule raises: the field, and what to change."""

from __future__ import annotations


class RuleError(ValueError):
    """A value breaks a rule. ``str()`` reads ``field: message``.

    A ``ValueError``, so the pydantic validators of ``lab.yaml`` and ``cluster.yaml`` that
    call a rule turn it into a field error (``lab.yamlfile`` moves the field into the
    location it reports); ``lab.experiments`` and ``lab.definition`` turn the ones they
    catch into problems at the field.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        """Dotted path of the field, relative to what was checked; empty for the whole value."""
        self.message = message
        """What is wrong and what to do about it."""
        super().__init__(f"{field}: {message}" if field else message)

    def under(self, prefix: str) -> RuleError:
        """The same violation, with its field nested under ``prefix`` (``subnets[1]``...)."""
        if not prefix:
            return self
        return RuleError(f"{prefix}.{self.field}" if self.field else prefix, self.message)
