"""Telling values known at synth time from tokens that Terraform resolves later."""

from __future__ import annotations

from cdktn import Token


def unresolved(value: object) -> bool:
    """True for a token (a reference, a variable...) that has no value before apply.

    Validations check only known values. A sequence is checked as a whole (a token list
    from ``Token.as_list``); jsii accepts lists but not tuples, so tuples are converted.
    """
    if isinstance(value, tuple):
        value = list(value)
    return Token.is_unresolved(value)
