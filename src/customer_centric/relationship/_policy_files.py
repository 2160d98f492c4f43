"""Policies kept in files: a firm's ``current.toml`` and ``proposed.toml``.

A :class:`~customer_centric.relationship.Policy` is data, so a business
user can keep it in a file, edit it and compare it with another
(:func:`~customer_centric.relationship.compare_policies`). TOML is the
format for people (:meth:`Policy.to_toml`), JSON the one for programs
(``Policy.model_dump_json``); :func:`load_policy` reads either, by the
file's suffix, and names the file in every error.

.. versionadded:: 0.2
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, Literal, TypeAlias, get_args

from pydantic import ValidationError

from customer_centric._checks import check_choice
from customer_centric.exceptions import ArgumentTypeError, PolicyError
from customer_centric.relationship._policy import Policy, _unwrap

__all__ = ["PolicySyntax", "load_policy"]

PolicySyntax: TypeAlias = Literal["toml", "json"]
"""The languages a policy file can be written in."""
_SYNTAXES: Final[tuple[PolicySyntax, ...]] = get_args(PolicySyntax)


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = getattr(exc, "strerror", None) or exc
        msg = f"cannot read the policy file {str(path)!r}: {reason}"
        raise PolicyError(msg) from exc
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is allowed
    except UnicodeDecodeError as exc:
        msg = (
            f"the policy file {str(path)!r} is not UTF-8 text (byte "
            f"0x{data[exc.start]:02x} at offset {exc.start}); save it as "
            "UTF-8"
        )
        raise PolicyError(msg) from exc


def _parsed(text: str, syntax: PolicySyntax) -> Policy:
    if syntax == "toml":
        return Policy.from_toml(text)
    try:
        return Policy.model_validate_json(text)
    except ValidationError as exc:
        raise _unwrap(exc) from exc


def _syntax_of(file: Path) -> PolicySyntax:
    suffix = file.suffix.lower()
    for syntax in _SYNTAXES:
        if suffix == f".{syntax}":
            return syntax
    msg = (
        f"cannot tell the format of the policy file {str(file)!r} from its "
        f"suffix {suffix!r}; name it .toml or .json, or pass syntax="
    )
    raise PolicyError(msg)


def load_policy(
    path: str | os.PathLike[str], /, *, syntax: PolicySyntax | None = None
) -> Policy:
    """Read a policy from a ``.toml`` or ``.json`` file.

    TOML is read as :meth:`Policy.from_toml` reads it (a field left out
    takes its default), JSON as ``Policy.model_validate_json``. Write the
    files with :meth:`Policy.to_toml` or ``model_dump_json(indent=2)``.

    Args:
        path: The file, UTF-8 with or without a byte-order mark.
        syntax: ``"toml"`` or ``"json"``; by default the file's suffix
            (``.toml`` or ``.json``, any case) says which.

    Returns:
        The validated policy.

    Raises:
        PolicyError: The file cannot be read, has another suffix (and no
            ``syntax`` is given), is not
            valid TOML or JSON, or is not a valid policy. The message
            starts with the file's name and gives the key and the value.
        ArgumentTypeError: ``path`` is not a string or path.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from customer_centric.relationship import (
        ...     DEFAULT_POLICY,
        ...     load_policy,
        ... )
        >>> folder = Path(tempfile.mkdtemp())
        >>> stricter = DEFAULT_POLICY.with_thresholds(client_min_purchases=5)
        >>> _ = (folder / "proposed.toml").write_text(stricter.to_toml())
        >>> load_policy(folder / "proposed.toml") == stricter
        True
        >>> _ = (folder / "bad.toml").write_text("lapse_inactivity_days = 0")
        >>> load_policy(folder / "bad.toml")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.PolicyError: .../bad.toml: \
lapse_inactivity_days must be at least 1 (it counts days), got 0; pass a \
value >= 1

    .. versionadded:: 0.2
    """
    if not isinstance(path, str | os.PathLike):
        raise ArgumentTypeError.for_argument(
            "path", path, "a path to a .toml or .json file"
        )
    file = Path(path)
    if syntax is None:
        syntax = _syntax_of(file)
    else:
        check_choice(syntax, _SYNTAXES, name="syntax")
    text = _text(file)
    try:
        return _parsed(text, syntax)
    except PolicyError as exc:
        raise PolicyError(f"{file}: {exc}") from exc
