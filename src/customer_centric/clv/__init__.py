"""Probabilistic customer-base models (needs the ``[stats]`` extra).

BG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma and the shifted-beta-geometric model:
fitting by maximum likelihood with standard errors, and vectorised
predictions. Models work in ``float`` and numpy arrays, not ``Decimal``.
"""

from __future__ import annotations

try:
    import numpy as np  # noqa: F401
    import scipy  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra
    from customer_centric.exceptions import MissingExtraError

    raise MissingExtraError.for_extra("stats", exc.name) from exc

__all__: list[str] = []
