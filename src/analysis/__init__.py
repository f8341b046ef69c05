"""How messaging apps became ad businesses: the dataset and the helpers that analyse it."""

import importlib

from .data import DataValidationError, Dataset, load
from .growth import date_reached, growth_rates, mau_at, monthly_series
from .peers import monetization_paths
from .products import product_states
from .regions import business_adoption, compare, orientation, users_by_country
from .rollouts import events, first_markets, launch_lags
from .stages import snapshot, stage_at, stage_entries

__version__ = "0.1.0"

# Plotting modules import matplotlib; they load on first use, so `import analysis` stays light.
_LAZY_MODULES = ("charts", "style")

__all__ = [
    "DataValidationError", "Dataset", "load",
    "stage_at", "stage_entries", "snapshot",
    "mau_at", "monthly_series", "growth_rates", "date_reached",
    "events", "launch_lags", "first_markets",
    "compare", "users_by_country", "business_adoption", "orientation",
    "monetization_paths", "product_states",
    *_LAZY_MODULES,
]


def __getattr__(name):
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
