"""How messaging apps became ad businesses: the dataset and the helpers that analyse it."""

from .data import DataValidationError, Dataset, load

__all__ = ["DataValidationError", "Dataset", "load"]
__version__ = "0.1.0"
