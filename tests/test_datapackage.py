"""data/datapackage.json is generated from the schema and the data passes a real validator."""

import json

import frictionless
import pytest
from conftest import DATA, read_rows, write_rows

from analysis import datapackage
from analysis.schema import TABLES


def _validate(folder):
    return frictionless.validate(str(folder / "datapackage.json"))


def _errors(report):
    return report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_committed_descriptor_matches_the_schema():
    committed = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == datapackage.descriptor()


def test_descriptor_describes_every_table_and_column():
    resources = {r["name"]: r for r in datapackage.descriptor()["resources"]}
    assert set(resources) == {t.name for t in TABLES}
    for table in TABLES:
        fields = [f["name"] for f in resources[table.name]["schema"]["fields"]]
        assert fields == list(table.columns)


def test_real_data_is_valid_for_frictionless():
    report = _validate(DATA)
    assert report.valid, _errors(report)


@pytest.mark.parametrize(
    "table, column, value, error_type",
    [
        ("user_counts", "source_id", "no-such-source", "foreign-key"),
        ("user_counts", "users_millions", "-3", "constraint-error"),
        ("stages", "stage", "4", "constraint-error"),
        ("sources", "url", "ftp://example.org/x", "constraint-error"),
        ("sources", "url", "https:///", "constraint-error"),
        ("user_counts", "users_millions", "1e308", "constraint-error"),
        ("regions", "value", "20000", "constraint-error"),
        ("regions", "year", "1066", "constraint-error"),
        ("rollouts", "date", "1989-12-31", "constraint-error"),
        ("rollouts", "event_de", "", "constraint-error"),
        ("stages", "evidence_de", "", "constraint-error"),
    ],
)
def test_frictionless_rejects_a_defect(data_copy, table, column, value, error_type):
    path = data_copy / f"{table}.csv"
    rows = read_rows(path)
    rows[1][rows[0].index(column)] = value
    write_rows(path, rows)
    report = _validate(data_copy)
    assert not report.valid
    assert error_type in {error[3] for error in _errors(report)}


def test_write_replaces_the_file_atomically(tmp_path):
    target = tmp_path / "datapackage.json"
    target.write_text("old")
    datapackage.write(target)
    assert json.loads(target.read_text()) == datapackage.descriptor()
    assert [p.name for p in tmp_path.iterdir()] == ["datapackage.json"]
