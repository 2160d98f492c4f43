"""Exercises the public API for the type checkers; never executed."""

from __future__ import annotations

import customer_centric as cc

error: type[ValueError] = cc.exceptions.PolicyError
