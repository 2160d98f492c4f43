"""Fixtures shared by the command-line tests."""

import sys

import pytest

import customer_centric.cli


@pytest.fixture
def row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """``score`` reads and writes as if polars were not installed."""
    monkeypatch.delattr(customer_centric.cli, "_columnar", raising=False)
    monkeypatch.setitem(sys.modules, "customer_centric.cli._columnar", None)
    monkeypatch.setitem(sys.modules, "polars", None)
