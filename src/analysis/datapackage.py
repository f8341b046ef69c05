"""Describe the dataset as a Frictionless Data Package, generated from the schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .files import write_atomic
from .schema import TABLES, Field, Table

_TYPES = {"string": "string", "date": "date", "number": "number", "integer": "integer",
          "boolean": "boolean"}


def descriptor() -> dict:
    """The data package descriptor for the tables in ``schema.TABLES``.

    Returns
    -------
    dict
        A Frictionless Data Package (v2) descriptor, ready for ``json.dump``.
    """
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "messenger-ad-strategy",
        "title": "How messaging apps became ad businesses",
        "description": (
            "User counts, monetization stages, ad and business-messaging rollouts and regional "
            "facts for Instagram, Messenger, WhatsApp and their peers, each fact traced to a "
            "public source in sources.csv."
        ),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": [_resource(table) for table in TABLES],
    }


def _resource(table: Table) -> dict:
    schema = {
        "fields": [_field(f) for f in table.fields],
        "missingValues": [""],
    }
    if all(table.field(name).required for name in table.primary_key):
        schema["primaryKey"] = list(table.primary_key)
    foreign_keys = [
        {"fields": f.name, "reference": {"resource": f.references[0], "fields": f.references[1]}}
        for f in table.fields
        if f.references
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
        "type": "table",
        "name": table.name,
        "path": table.filename,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
        "schema": schema,
    }


def _field(field: Field) -> dict:
    constraints: dict = {"required": field.required}
    if field.categories is not None:
        constraints["enum"] = list(field.categories)
    if field.pattern:
        constraints["pattern"] = field.pattern.removeprefix("^").removesuffix("$")
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if field.maximum is not None:
        constraints["maximum"] = field.maximum
    result = {"name": field.name, "type": _TYPES[field.type], "description": field.description,
              "constraints": constraints}
    if field.type == "date":
        result["format"] = "%Y-%m-%d"
    return result


def write(path: str | Path) -> Path:
    """Write the descriptor to ``path`` atomically (temporary file, then rename)."""
    return write_atomic(path, json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    print(write(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data" / "datapackage.json"))
