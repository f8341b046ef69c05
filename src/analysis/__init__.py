"""How messaging apps became ad businesses: the dataset and the helpers that analyse it."""

import importlib

__version__ = "0.1.0"

# Each public name and the module it comes from. Modules load on first use, so `import analysis`
# imports neither pandas nor matplotlib: the `briefing` command starts its kernel before either.
_EXPORTS = {
    "DataValidationError": "data", "Dataset": "data", "load": "data",
    "stage_at": "stages", "stage_entries": "stages", "snapshot": "stages",
    "mau_at": "growth", "monthly_series": "growth", "growth_rates": "growth", "date_reached": "growth",
    "events": "rollouts", "launch_lags": "rollouts", "first_markets": "rollouts",
    "compare": "regions", "users_by_country": "regions", "business_adoption": "regions",
    "orientation": "regions",
    "monetization_paths": "peers", "product_states": "products",
}
_MODULES = ("charts", "style")

__all__ = [*_EXPORTS, *_MODULES]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
