"""The TOML writer: what it writes reads back as the same data."""

from __future__ import annotations

import math
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric._toml import dumps
from customer_centric.exceptions import InvariantError

_scalars = (
    st.text()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
)
_inline = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_tables = st.dictionaries(st.text(max_size=5), _inline, max_size=4)
_documents = st.dictionaries(
    st.text(max_size=8),
    _inline | st.lists(_tables, min_size=1, max_size=3),
    max_size=5,
)


@given(_documents)
def test_dumps_reads_back_as_the_same_data(data: dict[str, object]):
    """Any JSON-shaped document without nulls survives a round trip."""
    assert tomllib.loads(dumps(data)) == data


@given(st.text())
def test_a_header_is_comments_only(header: str):
    """A header of any text adds comments and changes no data."""
    assert tomllib.loads(dumps({"a": 1}, header=header)) == {"a": 1}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (1e16, "1e+16"),
        ("tab\there\x7f", '"tab\\there\\u007f"'),
        ({}, "{}"),
        ([], "[]"),
    ],
    ids=["inf", "minus-inf", "exponent", "escapes", "empty-table", "empty"],
)
def test_values_are_written_as_toml_spells_them(value: object, written: str):
    """Special floats, escapes and empty containers use TOML's spelling."""
    assert dumps({"k": value}) == f"k = {written}\n"


def test_nan_is_written_as_toml_nan():
    """NaN is written as ``nan`` (it never equals itself, so not compared)."""
    assert math.isnan(tomllib.loads(dumps({"k": math.nan}))["k"])


def test_a_key_that_is_not_bare_is_quoted():
    """A key with spaces or dots is written as a quoted key."""
    assert dumps({"a b.c": 1}) == '"a b.c" = 1\n'


def test_a_null_is_refused_with_the_value_shown():
    """TOML has no null: a None raises InvariantError naming it."""
    with pytest.raises(InvariantError, match="TOML cannot hold None"):
        dumps({"k": None})
