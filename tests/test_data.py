"""load(): the real dataset comes out typed; every kind of bad input is refused with file, line, column."""

import gc
import pickle
import re

import pandas as pd
import pytest
from conftest import read_rows, write_rows

import analysis
from analysis import data, facts
from analysis.schema import PLATFORMS, REGIONS, STAGES, TABLES


# --- the real data ---------------------------------------------------------------------------


def test_load_returns_every_table(ds):
    for table in TABLES:
        frame = getattr(ds, table.name)
        assert list(frame.columns) == list(table.columns)
        assert len(frame) > 0, table.name


def test_category_columns_are_ordered_categoricals(ds):
    for frame, column, categories in [
        (ds.user_counts, "platform", PLATFORMS),
        (ds.stages, "stage", STAGES),
        (ds.regions, "region", REGIONS),
    ]:
        dtype = frame[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered
        assert tuple(dtype.categories) == categories


def test_dates_and_numbers_are_typed(ds):
    assert pd.api.types.is_datetime64_any_dtype(ds.user_counts["date"])
    assert pd.api.types.is_float_dtype(ds.user_counts["users_millions"])
    assert ds.platforms["peer"].dtype == "boolean"


def test_every_fact_traces_to_a_source_with_a_url(ds):
    urls = ds.sources.set_index("source_id")["url"]
    for name in ("platforms", "user_counts", "stages", "rollouts", "regions", "orientations"):
        ids = getattr(ds, name)["source_id"]
        assert ids.isin(urls.index).all(), name
        assert urls[ids].str.match(r"https?://").all(), name


def test_the_seed_snapshot_of_2_november_2016_holds(ds):
    entered = ds.stages[ds.stages["started"] <= "2016-11-02"].groupby("platform", observed=True)["stage"]
    reached = entered.max().astype(int).to_dict()
    assert reached["Instagram"] == 3
    assert reached["Messenger"] == 2
    assert reached["WhatsApp"] == 1


def test_dataset_has_the_required_breadth(ds):
    assert len(ds.rollouts) >= 40
    assert ds.rollouts["date"].min().year <= 2013
    mau = ds.user_counts[ds.user_counts["metric"] == "mau"]
    for platform in ("WhatsApp", "Messenger", "Instagram"):
        assert mau.loc[mau["platform"] == platform, "date"].max().year >= 2025 or platform == "Messenger"
    assert set(ds.user_counts["platform"].astype(str)) >= {"WeChat", "LINE", "Telegram", "Snapchat"}


# --- German text ---------------------------------------------------------------------------------

GERMAN = {"rollouts": "event", "stages": "evidence", "metrics": "label", "products": "product"}
# A German date names the day with a full stop ("6. Oktober 2010"); it ends no sentence.
_GERMAN_DAY = re.compile(r"\b([0-9]{1,2})\. (?=[A-ZÄÖÜ])")


@pytest.mark.parametrize("table, english", GERMAN.items())
def test_every_text_has_its_german_right_after_it(ds, table, english):
    frame = getattr(ds, table)
    columns = list(frame.columns)
    assert columns.index(f"{english}_de") == columns.index(english) + 1
    assert frame[f"{english}_de"].notna().all() and (frame[f"{english}_de"].str.strip() != "").all()
    if table != "products":  # many product names are the same in German
        same = frame[frame[english] == frame[f"{english}_de"]]
        assert same.empty, f"not translated: {list(same[english])}"


def _years_by_sentence(text):
    """The years each sentence names, split where facts.known_text splits, a German day kept whole."""
    sentences = facts._SENTENCE_END.split(_GERMAN_DAY.sub(r"\1.~", text))
    return [sorted(facts._YEAR.findall(s)) for s in sentences]


def test_german_evidence_has_the_english_sentences_and_years(ds):
    """A briefing drops each sentence that names a year after its date: both languages must drop alike."""
    for row in ds.stages.itertuples():
        assert _years_by_sentence(row.evidence_de) == _years_by_sentence(row.evidence), row.evidence_de


def test_a_briefing_keeps_the_same_evidence_in_german_as_in_english(ds):
    for row in ds.stages.itertuples():
        for year in range(row.started.year, pd.Timestamp.today().year + 1):
            english = facts.known_text(row.evidence, f"{year}-12-31")
            german = facts.known_text(row.evidence_de, f"{year}-12-31")
            assert (german is None) == (english is None), (row.platform, row.stage, year, german)
            if german is not None:
                assert _years_by_sentence(german) == _years_by_sentence(english), (row.platform, row.stage)


def test_load_accepts_another_folder(data_copy):
    assert analysis.load(data_copy).path == data_copy


def test_data_validation_error_is_a_value_error():
    assert issubclass(analysis.DataValidationError, ValueError)


# --- one defect at a time ----------------------------------------------------------------------


def _row_of(rows, **match):
    """Index (in rows, header = 0) of the first data row whose cells equal ``match``."""
    header = rows[0]
    for index, row in enumerate(rows[1:], start=1):
        if all(row[header.index(k)] == v for k, v in match.items()):
            return index
    raise LookupError(match)


def set_cell(table, column, value, row=1, **match):
    """A defect: one cell changed. Returns the expected (line, column)."""

    def apply(folder):
        path = folder / f"{table}.csv"
        rows = read_rows(path)
        index = _row_of(rows, **match) if match else row
        rows[index][rows[0].index(column)] = value
        write_rows(path, rows)
        return index + 1, column

    return apply


def drop_column(table, column):
    def apply(folder):
        path = folder / f"{table}.csv"
        rows = read_rows(path)
        position = rows[0].index(column)
        write_rows(path, [r[:position] + r[position + 1:] for r in rows])
        return 1, column

    return apply


def add_column(table, column):
    def apply(folder):
        path = folder / f"{table}.csv"
        write_rows(path, [r + [column if i == 0 else "x"] for i, r in enumerate(read_rows(path))])
        return 1, column

    return apply


def duplicate_row(table, row=1):
    def apply(folder):
        path = folder / f"{table}.csv"
        rows = read_rows(path)
        write_rows(path, rows + [rows[row]])
        return len(rows) + 1, rows[0][0]

    return apply


def write_bytes(table, data):
    def apply(folder):
        (folder / f"{table}.csv").write_bytes(data)
        return 1, None

    return apply


def delete_file(table):
    def apply(folder):
        (folder / f"{table}.csv").unlink()
        return None, None

    return apply


def latin1_title(row=3):
    def apply(folder):
        path = folder / "sources.csv"
        rows = read_rows(path)
        rows[row][rows[0].index("title")] = "PLACEHOLDER"
        write_rows(path, rows)
        path.write_bytes(path.read_bytes().replace(b"PLACEHOLDER", "Café".encode("latin-1")))
        return row + 1, "title"

    return apply


def delete_stage_row(platform, stage):
    """A defect: a platform's stage row removed; the error belongs on the next stage's row."""

    def apply(folder):
        path = folder / "stages.csv"
        rows = read_rows(path)
        del rows[_row_of(rows, platform=platform, stage=str(stage))]
        write_rows(path, rows)
        return _row_of(rows, platform=platform, stage=str(stage + 1)) + 1, "stage"

    return apply


def reading_dropped(platform, stage, reading):
    """A defect: a reading taken off a platform's stage row; the error belongs on the next stage's row."""

    def apply(folder):
        path = folder / "stages.csv"
        rows = read_rows(path)
        index, column = _row_of(rows, platform=platform, stage=str(stage)), rows[0].index("readings")
        rows[index][column] = " ".join(r for r in rows[index][column].split(" ") if r != reading)
        write_rows(path, rows)
        return _row_of(rows, platform=platform, stage=str(stage + 1)) + 1, "stage"

    return apply


def short_row(table, row=2):
    def apply(folder):
        path = folder / f"{table}.csv"
        rows = read_rows(path)
        rows[row] = rows[row][:-2]
        write_rows(path, rows)
        return row + 1, rows[0][len(rows[row])]

    return apply


_FIRST_MESSENGER_EVENT = (
    "Businesses on Messenger and the Messenger Platform unveiled at F8: shipping updates and customer "
    "chat with retailers"
)

DEFECTS = {
    "missing column": (drop_column("user_counts", "metric"), "column is missing"),
    "extra column": (add_column("rollouts", "budget"), "unexpected column"),
    "unparseable date": (set_cell("user_counts", "date", "March 2016", row=3), "not a date"),
    "impossible date": (set_cell("rollouts", "date", "2017-02-30", row=5), "not a real calendar date"),
    "date in the future": (set_cell("stages", "started", "2999-01-01", row=2), "in the future"),
    "non-numeric users": (set_cell("user_counts", "users_millions", "1.2B", row=4), "not a number"),
    "zero users": (set_cell("user_counts", "users_millions", "0", row=2), "out of range"),
    "negative users": (set_cell("user_counts", "users_millions", "-800", row=6), "out of range"),
    "stage outside 1-3": (set_cell("stages", "stage", "4", row=3), "unknown stage"),
    "stage k+1 before stage k": (
        set_cell("stages", "started", "2010-10-07", platform="Instagram", stage="3"),
        "before stage 2",
    ),
    "stage without its predecessor": (
        delete_stage_row("WhatsApp", 2),
        "without a row for stage 2",
    ),
    "unknown platform": (set_cell("user_counts", "platform", "Whatsap", row=7), "unknown platform"),
    "unknown platform in rollouts": (set_cell("rollouts", "platform", "Facebok", row=2), "unknown platform"),
    "unknown source_id": (set_cell("rollouts", "source_id", "nobody-20200101-x", row=4), "unknown source_id"),
    "unknown country code": (set_cell("regions", "country", "XX", row=2), "unknown country"),
    "unknown country in a list": (
        set_cell("rollouts", "countries", "AU XX", region="Asia-Pacific"),
        "unknown country 'XX'",
    ),
    "country in the wrong region": (set_cell("regions", "region", "Europe", country="BR"), "does not hold"),
    "duplicate key": (duplicate_row("user_counts", row=3), "duplicate key"),
    "non-http url": (set_cell("sources", "url", "ftp://example.org/report.pdf", row=2), "not valid"),
    "javascript url": (set_cell("sources", "url", "javascript:alert(1)", row=5), "not valid"),
    "missing value": (set_cell("sources", "publisher", "", row=4), "value is missing"),
    "empty file": (write_bytes("stages", b""), "file is empty"),
    "blank file": (write_bytes("platforms", b"\n\n"), "file is empty"),
    "missing file": (delete_file("rollouts"), "file is missing"),
    "not UTF-8": (latin1_title(row=3), "not valid UTF-8"),
    "row with too few fields": (short_row("user_counts", row=2), "fields"),
    "not a boolean": (set_cell("platforms", "peer", "yes", row=1), "not a boolean"),
    "not a whole number": (set_cell("regions", "year", "2018.5", row=1), "not a whole number"),
    "product not listed for its platform": (
        set_cell("rollouts", "product", "Instagram ads", platform="Messenger", event=_FIRST_MESSENGER_EVENT),
        "is not listed for the row's platform",
    ),
    "replacement of another platform": (
        set_cell("products", "replaced_by", "Instagram ads", product="Messenger sponsored messages"),
        "is not a product of the row's platform",
    ),
    "replacement without a source": (
        set_cell("products", "source_id", "", product="Messenger sponsored messages"),
        "without a source",
    ),
    "unknown product kind": (set_cell("products", "kind", "ads", row=1), "unknown kind"),
    "unknown metric": (set_cell("regions", "metric", "userz", row=1), "unknown metric"),
    "figure not in its metric's unit": (set_cell("regions", "unit", "percent", metric="users"),
                                        "not the metric's unit"),
    "unknown date precision": (set_cell("rollouts", "date_precision", "week", row=3), "unknown date_precision"),
    "missing German event": (set_cell("rollouts", "event_de", "", row=7), "value is missing"),
    "blank German evidence": (set_cell("stages", "evidence_de", "  ", platform="Viber", stage="2"),
                              "value is missing"),
    "missing German metric label": (set_cell("metrics", "label_de", "", metric="dau"), "value is missing"),
    "missing German product name": (set_cell("products", "product_de", "", product="WhatsApp Business API"),
                                    "value is missing"),
    "German column left out": (drop_column("rollouts", "event_de"), "column is missing"),
    "unknown reading in a stage row": (
        set_cell("stages", "readings", "paid_tools ads", platform="Viber", stage="3"), "unknown reading 'ads'"),
    "a stage twice under one reading": (
        set_cell("stages", "readings", "paid_tools in_app_ads", platform="WhatsApp", stage="3", started="2025-06-16"),
        "WhatsApp enters stage 3 twice under the reading 'paid_tools'"),
    "stage 3 under a reading without its stage 2": (
        reading_dropped("Telegram", 2, "in_app_ads"),
        "Telegram enters stage 3 under the reading 'in_app_ads' without a row for stage 2"),
    "unknown product kind in a rule": (
        set_cell("readings", "stage3_kinds", "in_app_ads ads", reading="in_app_ads"), "not valid"),
    "revenue of a quarter without its results day": (
        set_cell("revenue", "period", "2015-Q1", row=1), "quarter 2015-Q1 has no results day"),
    "revenue of an unknown geography": (set_cell("revenue", "geography", "Asia", row=2), "unknown geography 'Asia'"),
    "a quarter that is not one": (set_cell("releases", "period", "2021Q4", row=1), "not valid"),
    "a geography outside the regions": (set_cell("geographies", "region", "Oceania", row=1), "unknown region"),
    "an unknown kind of figure": (set_cell("revenue", "figure_kind", "estimate", row=3), "unknown figure_kind"),
    "an unknown group left out": (set_cell("rollouts", "excluded", "EEA", row=3), "neither a group nor a country"),
    "a day reached with nothing left out": (set_cell("rollouts", "excluded_until", "2026-01-01", row=3),
                                            "says when nothing left out was reached"),
    "a day reached before the event": (
        set_cell("rollouts", "excluded_until", "2025-01-01", excluded="DE AT CH"), "is not after the event"),
    "a source read before it was published": (set_cell("sources", "accessed", "2001-01-01", row=2),
                                               "is before the source was published"),
    "a source without the day it was read": (set_cell("sources", "accessed", "", row=3), "value is missing"),
    "a dated source without its precision": (set_cell("sources", "published_precision", "", row=1),
                                             "is empty for a dated source"),
    "a precision for an undated source": (
        set_cell("sources", "published_precision", "day", source_id="alphastreet-202402-snap-q4-2023-takeaways"),
        "'day' is given for a source without a published date"),
    "a month-only source dated past the 1st": (
        set_cell("sources", "published", "2014-08-15", source_id="blogspot-20140801-facebook-messenger"),
        "2014-08-15 is not the 1st of its month"),
    "an unknown precision of a source": (set_cell("sources", "published_precision", "week", row=1),
                                         "unknown published_precision"),
    "a month-only kind for a day": (set_cell("rollouts", "date_kind", "month", row=2), "does not fit"),
    "an unknown kind of date": (set_cell("stages", "date_kind", "rumoured", row=2), "unknown date_kind"),
    "two default readings": (set_cell("readings", "default", "true", reading="in_app_ads"),
                             "2 readings are marked default"),
    "no default reading": (set_cell("readings", "default", "false", reading="paid_tools"),
                           "0 readings are marked default"),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_a_defect_is_refused_with_file_line_and_column(data_copy, name):
    apply, problem = DEFECTS[name]
    line, column = apply(data_copy)
    with pytest.raises(analysis.DataValidationError) as caught:
        analysis.load(data_copy)
    error = caught.value
    assert error.path.parent == data_copy
    assert (error.line, error.column) == (line, column), str(error)
    assert problem in str(error)
    assert str(error.path) in str(error)
    if line is not None:
        assert f"line {line}" in str(error)
    if column is not None:
        assert f"column '{column}'" in str(error)
    assert "expected" in str(error)


@pytest.mark.parametrize("collecting", [True, False])
def test_load_leaves_garbage_collection_as_it_found_it(data_copy, collecting):
    """Reading pauses the garbage collector; a load that succeeds or fails sets it back as it was."""
    with open(data_copy / "sources.csv", "a", encoding="utf-8") as sources:
        sources.write("\n")  # a blank line: other bytes, so the tables are read, not taken from memory
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        assert len(analysis.load(data_copy).sources) > 0
        assert gc.isenabled() is collecting
        rows = read_rows(data_copy / "platforms.csv")
        rows[1][rows[0].index("launched")] = "not a date"
        write_rows(data_copy / "platforms.csv", rows)
        with pytest.raises(analysis.DataValidationError, match="not a date"):
            analysis.load(data_copy)
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()


def test_a_remembered_dataset_is_not_read_or_checked_again(data_copy, monkeypatch):
    """A briefing's kernel takes the dataset its command loaded (``remember``); files with its
    checksum are then neither parsed nor checked, files with other bytes are."""
    handed = pickle.loads(pickle.dumps(analysis.load(data_copy)))
    checked = []
    validated_tables = data._validated_tables
    monkeypatch.setattr(data, "_validated_tables", lambda *args: checked.append(args) or validated_tables(*args))
    data.remember(handed)
    again = analysis.load(data_copy)
    assert checked == [] and again.checksum == handed.checksum
    assert again.platforms is not handed.platforms  # a copy: a briefing changing it changes only its own
    pd.testing.assert_frame_equal(again.platforms, handed.platforms)
    with open(data_copy / "platforms.csv", "a", encoding="utf-8") as changed:
        changed.write("\n")
    analysis.load(data_copy)
    assert len(checked) == 1
