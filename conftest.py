"""Run the examples in docstrings and in the docs as tests (Sybil)."""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.myst import (
    DocTestDirectiveParser as MystDocTestDirectiveParser,
)
from sybil.parsers.myst import (
    PythonCodeBlockParser as MystPythonCodeBlockParser,
)
from sybil.parsers.myst import SkipParser as MystSkipParser
from sybil.parsers.rest import DocTestParser

_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

pytest_collect_file = (
    Sybil(
        parsers=[DocTestParser(optionflags=_FLAGS)],
        patterns=["*.py"],
        path="src",
    )
    + Sybil(
        parsers=[
            MystDocTestDirectiveParser(optionflags=_FLAGS),
            MystPythonCodeBlockParser(doctest_optionflags=_FLAGS),
            MystSkipParser(),
        ],
        patterns=["*.md"],
        path="docs",
    )
).pytest()
