"""Human labels for the codes the rules record, for people to read.

A rule's ``reason_code`` (``repeat_buyer``) is a stable key for machines;
tables, notebooks and the command line show :func:`reason_label`
(``"repeat buyer"``) instead. The labels are derived from the codes, with
a few spelled out where the code reads poorly, so a policy's own codes get
a label too.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Final

from customer_centric._checks import check_instance

__all__ = ["reason_label"]

_SPELLED_OUT: Final[dict[str, str]] = {
    "reengaged": "re-engaged",
    "recommends_firm": "recommends the firm",
}


def reason_label(code: str, /) -> str:
    """The human label of a reason code: ``repeat_buyer`` → "repeat buyer".

    Machine-readable outputs (records, JSON, CSV) keep the code; tables for
    people show this label.

    Args:
        code: A rule's ``reason_code``, from the default policy or any other.

    Returns:
        The code with its words separated by spaces, or its spelled-out
        form.

    Examples:
        >>> from customer_centric.relationship import reason_label
        >>> reason_label("dissatisfied_after_complaint")
        'dissatisfied after complaint'
        >>> reason_label("reengaged")
        're-engaged'

    .. versionadded:: 0.1
    """
    check_instance(code, str, name="code")
    return _SPELLED_OUT.get(code) or code.replace("_", " ")
