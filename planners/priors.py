"""Kept for code that still imports `planners.priors`: the size priors live in `planners.layout.priors`."""

import sys

from planners.layout import priors as _priors

sys.modules[__name__] = _priors
