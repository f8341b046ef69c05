"""Small hand-built datasets for tests: a valid miniature of the real one, tables replaceable."""

import contextlib
import csv
import io
import signal

import nbformat

import analysis
from analysis.briefing import cli, run
from analysis.schema import DATE_KINDS, DATE_PRECISIONS, TABLES_BY_NAME

BASE = {
    "countries": [
        ("AU", "Australia", "Asia-Pacific"),
        ("TH", "Thailand", "Asia-Pacific"),
        ("US", "United States", "true", "North America"),
        ("BR", "Brazil", "Latin America"),
        ("IN", "India", "Asia-Pacific"),
        ("DE", "Germany", "Europe"),
    ],
    "sources": [
        ("src-a", "Example News", "Alpha headline", "2017-01-25", "https://example.org/a", "en", ""),
        ("src-b", "Example Blog", "Beta headline", "2018-06-01", "https://example.org/b", "en", ""),
    ],
    "metrics": [
        ("mau", "monthly active users", "millions", "users", "Monthly active users."),
        ("dau", "daily active users", "millions", "users", "Daily active users."),
        ("registered", "registered accounts", "millions", "users", "Accounts."),
        ("dap", "daily active people", "millions", "users", "People across a company's apps on an average day."),
        ("users", "users", "millions", "users", "Users in a place."),
        ("smb_say_helps_grow", "share of small businesses saying it helps them grow", "percent", "business",
         "Small businesses saying so."),
        ("enterprises_with_profile", "share of companies with a profile", "percent", "business",
         "Companies with a profile."),
    ],
    "platforms": [
        ("Instagram", "Meta", "2010-01-01", "false", "US", "src-a", ""),
        ("Messenger", "Meta", "2011-01-01", "false", "US", "src-a", ""),
        ("WhatsApp", "Meta", "2009-01-01", "false", "US", "src-b", ""),
        ("Telegram", "Telegram", "2013-01-01", "true", "US", "src-b", ""),
    ],
    "user_counts": [
        ("Messenger", "2014-01-01", "mau", "100", "src-a", ""),
        ("Messenger", "2016-01-01", "mau", "400", "src-a", ""),
        ("Messenger", "2018-01-01", "mau", "1600", "src-a", ""),
        ("WhatsApp", "2014-01-01", "mau", "500", "src-b", ""),
        ("WhatsApp", "2020-01-01", "mau", "2000", "src-b", ""),
        ("WhatsApp", "2019-01-01", "dau", "1000", "src-b", ""),
        ("Instagram", "2013-01-01", "mau", "100", "src-a", ""),
        ("Instagram", "2019-01-01", "mau", "1000", "src-a", ""),
    ],
    "readings": [
        ("paid_tools", "paid tools", "bezahlte Werkzeuge", "true", "business_tools", "Free tools.", "Freie Tools.",
         "in_app_ads paid_messaging", "Paid reach in the app.", "Bezahlte Reichweite in der App."),
        ("in_app_ads", "in-app ads", "Anzeigen in der App", "false", "business_tools", "Free tools.", "Freie Tools.",
         "in_app_ads", "Ads in the app.", "Anzeigen in der App."),
    ],
    "stages": [
        ("Instagram", "1", "2010-01-01", "Launch.", "src-a"),
        ("Instagram", "2", "2013-06-01", "Brands.", "src-a"),
        ("Instagram", "3", "2013-11-01", "Ads.", "src-a"),
        ("Messenger", "1", "2011-01-01", "Launch.", "src-a"),
        ("Messenger", "2", "2015-01-01", "Bots.", "src-a"),
        ("Messenger", "3", "2017-01-01", "Ads.", "src-a"),
        ("WhatsApp", "1", "2009-01-01", "Launch.", "src-b"),
        ("WhatsApp", "2", "2018-01-01", "Business app.", "src-b"),
        ("Telegram", "1", "2013-01-01", "Launch.", "src-b"),
    ],
    "groups": [
        ("EU", "the EU", "EU", "DE", "src-a", ""),
        ("EU", "the EU", "EU", "FR", "src-a", ""),
    ],
    "rollouts": [
        ("2013-11-01", "Instagram", "First ads", "launch", "Instagram ads", "3", "North America", "US", "src-a", ""),
        ("2015-09-01", "Instagram", "Ads everywhere", "expansion", "Instagram ads", "3", "Worldwide", "", "src-a", ""),
        ("2017-01-01", "Messenger", "Home ads test", "test", "Home ads", "3", "Asia-Pacific", "AU TH", "src-a", ""),
        ("2017-07-01", "Messenger", "Home ads worldwide", "expansion", "Home ads", "3", "Worldwide", "", "src-a", ""),
        ("2018-01-01", "WhatsApp", "Business app", "launch", "Business app", "2", "Multiple regions", "US BR", "src-b", ""),
        ("2018-06-01", "WhatsApp", "Status ads plan", "announcement", "Status ads", "3", "Worldwide", "", "src-b", ""),
    ],
    "regions": [
        ("Asia-Pacific", "IN", "WhatsApp", "users", "200", "millions", "2017", "src-b", ""),
        ("Asia-Pacific", "IN", "WhatsApp", "users", "400", "millions", "2019", "src-b", ""),
        ("Latin America", "BR", "WhatsApp", "users", "120", "millions", "2018", "src-b", ""),
        ("Asia-Pacific", "IN", "WhatsApp", "smb_say_helps_grow", "84", "percent", "2018", "src-b", ""),
        ("Latin America", "BR", "", "enterprises_with_profile", "72", "percent", "2021", "src-b", ""),
    ],
    "orientations": [
        ("Europe", "", "WhatsApp", "B2C", "2019", "src-b", ""),
        ("Latin America", "", "WhatsApp", "B2B", "2019", "src-b", ""),
    ],
    "family_counts": [
        ("Meta", "2018-06-01", "dap", "1800", "company_reported", "src-b", ""),
        ("Meta", "2019-06-01", "dap", "2000", "company_reported", "src-b", ""),
    ],
    "releases": [
        ("Meta", "2018-Q4", "2019-01-30", "Facebook", "src-b", ""),
        ("Meta", "2019-Q4", "2020-01-01", "Meta", "src-b", ""),
    ],
    "geographies": [
        ("Meta", "US & Canada", "USA & Kanada", "North America", "src-b", ""),
        ("Meta", "Europe", "Europa", "Europe", "src-b", ""),
        ("Meta", "Rest of World", "Übrige Welt", "Latin America", "src-b", ""),
        ("Meta", "Rest of World", "Übrige Welt", "Asia-Pacific", "src-b", ""),
    ],
    "revenue": [
        *[("Meta", "2018-Q4", g, "ad_revenue", v, "usd_millions", "company_reported", "src-a", "")
          for g, v in (("US & Canada", "100"), ("Europe", "50"), ("Rest of World", "50"), ("Worldwide", "200"))],
        *[("Meta", "2019-Q4", g, "ad_revenue", v, "usd_millions", "company_reported", "src-b", "")
          for g, v in (("US & Canada", "120"), ("Europe", "40"), ("Rest of World", "80"), ("Worldwide", "240"))],
        ("Meta", "2019-Q4", "Worldwide", "other_revenue", "10", "usd_millions", "company_reported", "src-b", ""),
    ],
}


def make_dataset(folder, **tables):
    """Write the miniature dataset (with ``tables`` replacing whole tables) and load it.

    Each table is a list of tuples in the schema's column order. Rows may leave out the German
    columns (``event_de``, ``evidence_de``, ``label_de``, ``product_de``): then each is made from
    the English column before it (see ``GERMAN``). Rollouts rows may leave out ``date_precision``
    (then "day") and ``date_kind`` (then "announced", or "month" for a month); stages rows may leave
    out ``readings`` (then every reading of BASE) and ``date_kind`` (then "announced"); user_counts
    and regions rows may leave out ``figure_kind`` (then "company_reported"), sources rows ``accessed``
    and ``published_precision`` (then "day" where dated),
    countries rows ``the`` (then "false"). Unless given, ``products`` lists each product of the rollouts (stage 3 products
    as in-app ads, the others as business tools), and ``metrics`` adds each regional metric
    missing from BASE, in the row's unit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables = {**BASE, **tables}
    tables["rollouts"] = [_rollout(row) for row in tables["rollouts"]]
    tables["stages"] = [_stage(row) for row in tables["stages"]]
    tables["sources"] = [_source(row) for row in tables["sources"]]
    tables["countries"] = [row if len(row) == 4 else (*row[:2], "false", row[2]) for row in tables["countries"]]
    for name in ("user_counts", "regions"):
        tables[name] = [_with_kind(name, row) for row in tables[name]]
    tables.setdefault("products", _products(tables["rollouts"]))
    if "metrics" not in tables or tables["metrics"] is BASE["metrics"]:
        tables["metrics"] = _metrics(tables["regions"])
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(TABLES_BY_NAME[name].columns)
            writer.writerows(_with_german(name, row) for row in rows)
    return analysis.load(folder)


# German column: how a row that leaves it out gets it, from the English column before it. The
# event is marked so that a test can tell which language a page shows; the others stay the same,
# so that names and sentences match in both languages.
GERMAN = {
    "event_de": lambda event: f"DE: {event}",
    "evidence_de": str,
    "label_de": str,
    "product_de": str,
}


def _with_german(name, row):
    """The row with every German column; those it leaves out are made from the English ones."""
    columns = TABLES_BY_NAME[name].columns
    english = [c for c in columns if c not in GERMAN]
    if len(english) == len(columns) or len(row) != len(english):
        return row
    values = dict(zip(english, row))
    return tuple(GERMAN[c](values[c.removesuffix("_de")]) if c in GERMAN else values[c] for c in columns)


ALL_READINGS = " ".join(row[0] for row in BASE["readings"])


def _stage(row):
    """A stages row with ``readings`` (every reading where left out) and ``date_kind`` ("announced")."""
    columns = [c for c in TABLES_BY_NAME["stages"].columns if c not in GERMAN]
    if len(row) < len(columns) - 1:
        row = (*row[:2], ALL_READINGS, *row[2:])
    return row if len(row) >= len(columns) else (*row[:4], "announced", *row[4:])


ACCESSED = "2026-11-21"  # the day a miniature source was read, where a row leaves it out


def _source(row):
    """A sources row with ``published_precision`` ("day" for a dated row, where left out) and
    ``accessed`` (``ACCESSED`` where left out)."""
    columns = TABLES_BY_NAME["sources"].columns
    if len(row) == len(columns):
        return row
    if len(row) < len(columns) - 1:  # neither given
        row = (*row[:-1], ACCESSED, row[-1])
    at = columns.index("published_precision")
    return (*row[:at], "day" if row[at - 1] else "", *row[at:])


def _with_kind(name, row):
    """A user_counts or regions row with ``figure_kind`` ("company_reported" where left out)."""
    columns = [c for c in TABLES_BY_NAME[name].columns if c not in GERMAN]
    if len(row) == len(columns):
        return row
    at = columns.index("figure_kind")
    return (*row[:at], "company_reported", *row[at:])


def _rollout(row):
    """A rollouts row with ``date_precision`` ("day" where left out), ``event_de`` and the exclusion
    columns (empty where left out: rows end in countries, source_id, note)."""
    columns = TABLES_BY_NAME["rollouts"].columns
    if len(row) == len(columns):
        return row
    row = row if row[1] in DATE_PRECISIONS else (row[0], "day", *row[1:])
    if row[2] not in DATE_KINDS:
        row = (*row[:2], "month" if row[1] == "month" else "announced", *row[2:])
    english = [c for c in columns if c not in GERMAN]
    if len(row) == len(english) - 2:
        row = (*row[:-2], "", "", *row[-2:])
    return _with_german("rollouts", row)


def _products(rollouts):
    at = {c: TABLES_BY_NAME["rollouts"].columns.index(c) for c in ("platform", "product", "stage")}
    pairs = dict.fromkeys((row[at["platform"]], row[at["product"]], row[at["stage"]]) for row in rollouts)
    return [(platform, product, "in_app_ads" if stage == "3" else "business_tools", "", "", "")
            for platform, product, stage in pairs]


def _metrics(regions):
    rows = {row[0]: row for row in BASE["metrics"]}
    for row in regions:
        metric, unit = row[3], row[5]
        rows.setdefault(metric, (metric, metric.replace("_", " "), unit, "reach", "A test metric."))
    return list(rows.values())


def template_with(source, path):
    """Write the briefing template with a code cell ``source`` right after its setup cell."""
    template = nbformat.read(run.TEMPLATE, as_version=4)
    setup = next(i for i, c in enumerate(template.cells) if "analysis.load(" in c.source)
    template.cells.insert(setup + 1, nbformat.v4.new_code_cell(source))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(template, path)
    return path


def run_main(argv):
    """Run the command; return (exit status, stdout, stderr). Restores the SIGTERM handler main sets."""
    handler = signal.getsignal(signal.SIGTERM)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli.main([str(a) for a in argv])
            except SystemExit as stop:  # argparse
                status = stop.code
    finally:
        signal.signal(signal.SIGTERM, handler)
    return status, out.getvalue(), err.getvalue()
