"""Read the dataset's CSV files, validate them against the schema, return typed frames."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import stat
import urllib.parse
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path

import numpy as np
import pandas as pd

from .checks import ISO_DATE
from .garbage import collection_paused
from .schema import CONTROL_CHARACTERS, MULTIPLE_REGIONS, TABLES, WORLDWIDE, Field, Table

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MAX_FILE_BYTES = 500_000_000  # per CSV file; the largest real table (sources.csv) is 185 KB, 1000 times it 185 MB

_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


class DataValidationError(ValueError):
    """A data file breaks a rule; says where (path, line, column) and what was expected."""

    def __init__(self, path, line, column, problem, expected=None):
        self.path = Path(path)
        self.line = line
        self.column = column
        self.problem = problem
        self.expected = expected
        where = str(self.path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        message = f"{where}: {problem}"
        if expected:
            message += f"; expected {expected}"
        super().__init__(message)


@dataclass(frozen=True)
class Dataset:
    """The validated dataset: one typed DataFrame per table."""

    path: Path
    checksum: str
    countries: pd.DataFrame
    sources: pd.DataFrame
    metrics: pd.DataFrame
    platforms: pd.DataFrame
    products: pd.DataFrame
    user_counts: pd.DataFrame
    family_counts: pd.DataFrame
    readings: pd.DataFrame
    stages: pd.DataFrame
    groups: pd.DataFrame
    rollouts: pd.DataFrame
    regions: pd.DataFrame
    orientations: pd.DataFrame
    releases: pd.DataFrame
    geographies: pd.DataFrame
    revenue: pd.DataFrame

    @property
    def earliest(self) -> pd.Timestamp:
        """The first stage entry (the earliest launch with stages): the start of what the data covers."""
        return self.stages["started"].min()

    @property
    def latest(self) -> pd.Timestamp:
        """The date of the newest dated fact: the end of what the data covers."""
        return max(self.user_counts["date"].max(), self.stages["started"].max(),
                   self.rollouts["date"].max())

    @property
    def known_from(self) -> pd.Series:
        """The day each source (by ``source_id``) counts as known: its published date, or the last
        day of its month where only the month is known; NaT where it is undated."""
        published = self.sources["published"]
        month = (self.sources["published_precision"] == "month").fillna(False).to_numpy()
        return pd.Series(published.where(~month, published + pd.offsets.MonthEnd(0)).to_numpy(),
                         index=self.sources["source_id"].to_numpy(), name="known_from")

    @property
    def platform_names(self) -> list[str]:
        """The platforms in the dataset, in the schema's order."""
        return [str(p) for p in self.platforms["platform"].sort_values()]


@dataclass
class _RawTable:
    """A table as read: every cell a string, with the file line each row starts on."""

    table: Table
    path: Path
    frame: pd.DataFrame
    text: str
    known_lines: np.ndarray | None  # None until a problem needs them
    controls: bool  # whether a cell may hold a control character (only then is each cell searched)
    factorized: dict = dataclass_field(default_factory=dict)  # column -> (codes, distinct values)

    @property
    def lines(self) -> np.ndarray:
        """The file line each row starts on (found by reading the text again, on first use)."""
        if self.known_lines is None:
            self.known_lines = _scan(self.path, self.table, self.text)[2]
        return self.known_lines

    def fail(self, row: int, column: str | None, problem: str, expected: str | None = None):
        raise DataValidationError(self.path, int(self.lines[row]), column, problem, expected)

    def fail_first(self, mask, column: str, problem, expected: str | None = None):
        """Raise for the first row where mask is true; problem may be a function of the value."""
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        if hits.size:
            row = int(hits[0])
            value = self.frame[column].iat[row]
            self.fail(row, column, problem(value) if callable(problem) else problem, expected)

    def each(self, column: str, test) -> np.ndarray:
        """Whether ``test`` holds for each cell of ``column``; each distinct value is tested once."""
        if column not in self.factorized:
            self.factorized[column] = pd.factorize(self.frame[column])
        codes, distinct = self.factorized[column]
        return np.fromiter((bool(test(v)) for v in distinct), bool, len(distinct))[codes]


def load(path: str | Path | None = None) -> Dataset:
    """Read and validate the dataset.

    Parameters
    ----------
    path : str or Path, optional
        Folder holding the CSV tables; the project's ``data/`` by default. Each table must be a
        regular file of at most ``MAX_FILE_BYTES`` (500 MB); nothing else is opened or read.

    Returns
    -------
    Dataset
        One typed DataFrame per table; platform, stage and region columns are ordered categoricals.

    Raises
    ------
    DataValidationError
        For any bad input, naming the file, line and column.
    """
    folder = Path(path) if path is not None else DATA_DIR
    expected = "a folder holding " + ", ".join(t.filename for t in TABLES)
    if not stat.S_ISDIR(_stat(folder, "data folder", expected).st_mode):
        raise DataValidationError(folder, None, None, "data folder is not a folder", expected)
    contents = {t.name: _contents(folder / t.filename, t) for t in TABLES}
    checksum = _checksum(contents)
    if checksum in _VALIDATED:
        return _copy(_VALIDATED[checksum], folder)
    with collection_paused():
        dataset = Dataset(path=folder, checksum=checksum, **_validated_tables(folder, contents))
    remember(dataset)
    return _copy(dataset, folder)


def _validated_tables(folder: Path, contents: dict[str, bytes]) -> dict[str, pd.DataFrame]:
    """The typed tables read from ``contents`` (the files' bytes), after every check passed."""
    raws = {t.name: _read(folder / t.filename, t, contents[t.name]) for t in TABLES}
    typed = {name: _typed(raw) for name, raw in raws.items()}
    for raw in raws.values():
        _check_keys(raw)
        _check_references(raw, raws)
    _check_one_default(raws["readings"])
    _check_stage_order(raws["stages"], typed["stages"])
    _check_after_launch(raws, typed)
    _check_regions_match(raws, typed)
    _check_rollout_regions(raws["rollouts"], typed["countries"])
    _check_products(raws)
    _check_units(raws)
    _check_revenue(raws)
    _check_exclusions(raws)
    _check_read_after_published(raws["sources"], typed["sources"])
    _check_published_precision(raws["sources"], typed["sources"])
    _check_month_dates(raws["rollouts"])
    return typed


# The last dataset validated, by checksum: files with the same bytes are not read and checked
# again. load() returns copies, so a caller that changes its tables changes only its own.
_VALIDATED: dict[str, Dataset] = {}


def remember(dataset: Dataset) -> None:
    """Take ``dataset`` as the checked content of the files it was read from: ``load`` of files
    with its checksum then returns copies of it, without reading and checking them again (a
    briefing's kernel takes the dataset its command has loaded)."""
    _VALIDATED.clear()  # keep only the newest: enough for a kernel that renders many briefings
    _VALIDATED[dataset.checksum] = dataset


def _copy(dataset: Dataset, folder: Path) -> Dataset:
    tables = {t.name: getattr(dataset, t.name).copy() for t in TABLES}
    return Dataset(path=folder, checksum=dataset.checksum, **tables)


def _contents(path: Path, table: Table) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; checked before it is opened."""
    expected = _expected_header(table)
    _check_regular(path, _stat(path, "file", expected), expected)  # a named pipe would block open()
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            _check_regular(path, os.fstat(descriptor), expected)  # it may have been swapped meanwhile
            data = handle.read(MAX_FILE_BYTES + 1)  # a file still growing stops here too
    except OSError as error:
        raise DataValidationError(path, None, None, f"file cannot be read ({error.strerror or error})",
                                  expected) from None
    if len(data) > MAX_FILE_BYTES:
        _refuse_size(path)
    return data


def _stat(path: Path, what: str, expected: str) -> os.stat_result:
    """``os.stat`` (following links); a missing or unreadable path raises DataValidationError."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        problem = f"{what} is missing"
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        problem = f"{what} cannot be read ({getattr(error, 'strerror', None) or error})"
    raise DataValidationError(path, None, None, problem, expected)


def _check_regular(path: Path, info: os.stat_result, expected: str):
    """Refuse anything but a regular file (a folder, pipe, device) and files over the size limit."""
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
        raise DataValidationError(path, None, None, f"file is {kind}, not a regular file", expected)
    if info.st_size > MAX_FILE_BYTES:
        _refuse_size(path)


def _refuse_size(path: Path):
    """Raise for a file over the size limit."""
    raise DataValidationError(path, None, None, f"file is larger than {MAX_FILE_BYTES:,} bytes",
                              f"a CSV file of at most {MAX_FILE_BYTES:,} bytes (data.MAX_FILE_BYTES)")


def _expected_header(table: Table) -> str:
    return f"a CSV file whose header is: {','.join(table.columns)}"


def _read(path: Path, table: Table, data: bytes) -> _RawTable:
    if not data.strip():
        raise DataValidationError(path, 1, None, "file is empty", _expected_header(table))
    try:
        text = data.decode("utf-8")
        valid_utf8 = True
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="surrogateescape")
        valid_utf8 = False
    text = text.removeprefix("\ufeff")
    rows, multiline = _fast_rows(text) if valid_utf8 else (None, True)
    if rows is None or len(set(map(len, rows))) != 1:
        # Something is wrong: read again row by row to say on which line.
        header, rows, lines = _scan(path, table, text, valid_utf8)
    else:
        header, rows, lines = rows[0], rows[1:], None
        _check_header(path, table, header)
    if not rows:
        raise DataValidationError(path, 2, None, "table has no rows", "at least one row after the header")
    # Every row has every column (checked above), so the frame only needs the schema's order.
    frame = pd.DataFrame(rows, columns=header, dtype=object)[list(table.columns)]
    # Every control character is unprintable: a printable file (line ends aside) needs no search.
    controls = multiline or not text.replace("\r", "").replace("\n", "").isprintable()
    return _RawTable(table, path, frame, text, lines, controls)


def _fast_rows(text: str) -> tuple[list[list[str]] | None, bool]:
    """The non-blank rows, header first (None if the CSV is malformed), and whether a cell spans lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error:
        return None, True
    multiline = reader.line_num != len(rows)
    return ([row for row in rows if row] if [] in rows else rows), multiline


def _scan(path: Path, table: Table, text: str, valid_utf8: bool = True):
    """Header, rows and the line each row starts on; raises at the first malformed line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    header = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise DataValidationError(path, reader.line_num, None, f"malformed CSV ({error})",
                                      "RFC 4180 quoting") from None
        if not row:
            continue
        if not valid_utf8:
            _check_utf8(path, start, header or row, row)
        if header is None:
            header = row
            _check_header(path, table, header)
            continue
        if len(row) != len(header):
            column = header[len(row)] if len(row) < len(header) else None
            raise DataValidationError(path, start, column,
                                      f"row has {len(row)} fields, the header has {len(header)}",
                                      f"{len(header)} comma-separated fields")
        rows.append(row)
        lines.append(start)
    return header, rows, np.asarray(lines, dtype=np.int64)


def _check_utf8(path, line, header, row):
    for position, cell in enumerate(row):
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:
            column = header[position] if position < len(header) else None
            raise DataValidationError(path, line, column, "text is not valid UTF-8",
                                      "a UTF-8 encoded file") from None


def _check_header(path, table: Table, header: list[str]):
    seen = set()
    for name in header:
        if name in seen:
            raise DataValidationError(path, 1, name, "column appears twice", "each column once")
        seen.add(name)
    expected = f"the columns {', '.join(table.columns)}"
    for name in table.columns:
        if name not in seen:
            raise DataValidationError(path, 1, name, "column is missing", expected)
    for name in header:
        if name not in table.columns:
            raise DataValidationError(path, 1, name, "unexpected column", expected)


def _typed(raw: _RawTable) -> pd.DataFrame:
    columns = {f.name: _typed_column(raw, f) for f in raw.table.fields}
    for field in raw.table.fields:
        if field.maximum_by:
            _check_maximum_by(raw, field, columns)
    return pd.DataFrame(columns)


def _typed_column(raw: _RawTable, field: Field):
    name = field.name
    text = raw.frame[name]
    _check_text(raw, field)
    present = (text != "").to_numpy()

    if field.type == "date":
        values = _parse_dates(raw, field, present)
    elif field.type == "number":
        values = pd.to_numeric(text.where(present), errors="coerce")
        raw.fail_first(present & ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)), name,
                       lambda v: f"{v!r} is not a number", "a decimal number such as 1200 or 1.5")
        _check_range(raw, field, values)
    elif field.type == "integer":
        raw.fail_first(present & ~raw.each(name, _INTEGER.fullmatch), name,
                       lambda v: f"{v!r} is not a whole number", "a whole number such as 2018")
        values = text.where(present).astype(float)  # exact below 2**53, so up to 15 digits
        _check_range(raw, field, values)
        raw.fail_first(np.abs(values.to_numpy(na_value=np.nan)) >= 1e15, name,
                       lambda v: f"{v!r} is too large", "a whole number of at most 15 digits")
        values = values.astype("Int64")
    elif field.type == "boolean":
        raw.fail_first(present & ~text.isin(["true", "false"]).to_numpy(), name,
                       lambda v: f"{v!r} is not a boolean", "true or false")
        values = text.map({"true": True, "false": False}).astype("boolean")
    else:
        if field.pattern:
            matches = raw.each(name, re.compile(field.pattern).fullmatch)
            raw.fail_first(present & ~matches, name, lambda v: f"{v!r} is not valid",
                           field.pattern_meaning)
        if field.format == "url":
            raw.fail_first(present & ~raw.each(name, _has_host), name, lambda v: f"{v!r} names no host",
                           "an http(s) URL with a host name such as example.org")
        if field.format == "country":
            _check_country_codes(raw, field, present)
        values = text.where(present, None).astype("string")

    if field.categories is not None:
        known = pd.Series(values).isin(field.categories).to_numpy()
        raw.fail_first(present & ~known, name, lambda v: f"unknown {name} {v!r}",
                       "one of: " + ", ".join(map(str, field.categories)))
        values = pd.Categorical(values, categories=list(field.categories), ordered=True)
    return values


_INTEGER = re.compile(r"-?[0-9]+")
_HOST = re.compile(r"[^.]+(\.[^.]+)+\.?")  # labels joined by dots (a final dot is valid DNS)


def _check_text(raw: _RawTable, field: Field):
    """Refuse control characters, blank required values and spaces at either end of a value."""
    name = field.name
    if raw.controls:
        raw.fail_first(raw.each(name, _CONTROL.search), name, lambda v: f"{v!r} holds a control character",
                       "text without control characters, line breaks or bidirectional marks")
    padded = raw.each(name, lambda v: v != v.strip())
    if field.required:
        blank = (raw.frame[name] == "").to_numpy()
        if padded.any():
            blank = blank | raw.each(name, str.isspace)
        raw.fail_first(blank, name, "value is missing", f"{field.type}: {field.description}")
    raw.fail_first(padded, name, lambda v: f"{v!r} has spaces at the start or end", "the value without them")


def _check_range(raw: _RawTable, field: Field, values: pd.Series):
    """Refuse numbers outside the field's minimum and maximum (for years: not after this year)."""
    low = -np.inf if field.minimum is None else field.minimum
    high = np.inf if field.maximum is None else field.maximum
    kind = "a whole number" if field.type == "integer" else "a number"
    expected = f"{kind} from {low:g} to {high:g}"
    if field.not_future:
        high = min(high, dt.date.today().year)
        expected = f"{kind} from {low:g} to {high:g} (this year)"
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    raw.fail_first((numbers < low) | (numbers > high), field.name, lambda v: f"{v!r} is out of range",
                   expected)


def _check_maximum_by(raw: _RawTable, field: Field, columns: dict):
    """Refuse values above the lower maximum that another column of the row sets (percent: 100)."""
    column, maxima = field.maximum_by[0], dict(field.maximum_by[1])
    limits = raw.frame[column].map(maxima).to_numpy(dtype=float, na_value=np.inf)
    over = np.flatnonzero(columns[field.name].to_numpy(dtype=float, na_value=np.nan) > limits)
    if over.size:
        row = int(over[0])
        key = raw.frame[column].iat[row]
        raw.fail(row, field.name, f"{raw.frame[field.name].iat[row]!r} is out of range",
                 f"a number from {field.minimum:g} to {maxima[key]:g} where {column} is {key}")


def _has_host(url: str) -> bool:
    """Whether ``url`` names a host with a dot in it, such as example.org."""
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:  # such as a broken [IPv6] address
        return False
    return host is not None and _HOST.fullmatch(host) is not None


def _check_country_codes(raw: _RawTable, field: Field, present: np.ndarray):
    """Refuse codes that are not ISO 3166-1 alpha-2; suggest the code of the row's country name."""
    import pycountry  # here: importing it takes as long as loading the data

    codes = raw.frame[field.name]
    unknown = np.flatnonzero(present & ~codes.isin({c.alpha_2 for c in pycountry.countries}).to_numpy())
    if unknown.size:
        row = int(unknown[0])
        problem = f"{codes.iat[row]!r} is not an ISO 3166-1 alpha-2 code"
        try:
            problem += f" (did you mean {pycountry.countries.lookup(raw.frame['name'].iat[row]).alpha_2}?)"
        except (KeyError, LookupError):
            pass
        raw.fail(row, field.name, problem, "a code from ISO 3166-1, such as 'GB' for the United Kingdom")


def _parse_dates(raw: _RawTable, field: Field, present: np.ndarray) -> pd.Series:
    name = field.name
    text = raw.frame[name]
    iso = raw.each(name, ISO_DATE.fullmatch)
    raw.fail_first(present & ~iso, name, lambda v: f"{v!r} is not a date", "an ISO date YYYY-MM-DD")
    dates = pd.to_datetime(text.where(present), format="%Y-%m-%d", errors="coerce")
    raw.fail_first(present & dates.isna().to_numpy(), name,
                   lambda v: f"{v!r} is not a real calendar date", "an existing day, YYYY-MM-DD")
    if field.minimum is not None:
        raw.fail_first((dates < pd.Timestamp(field.minimum)).to_numpy(), name,
                       lambda v: f"{v} is before {field.minimum}", f"a date on or after {field.minimum}")
    if field.not_future:
        today = pd.Timestamp(dt.date.today())
        raw.fail_first((dates > today).to_numpy(), name, lambda v: f"{v} is in the future",
                       f"a date on or before {today.date()}")
    return dates


def _check_keys(raw: _RawTable):
    key = list(raw.table.primary_key)
    duplicated = raw.frame.duplicated(subset=key, keep="first").to_numpy()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated)[0])
        values = tuple(raw.frame[key].iloc[row])
        same = (raw.frame[key] == raw.frame[key].iloc[row]).all(axis=1).to_numpy()
        first_line = int(raw.lines[np.flatnonzero(same)[0]])
        raw.fail(row, key[0], f"duplicate key ({', '.join(key)}) = {values}, first on line {first_line}",
                 "each key once")


def _check_references(raw: _RawTable, raws: dict[str, _RawTable]):
    for field in raw.table.fields:
        target = field.references or field.list_of
        if target is None:
            continue
        table, column = target
        known = raws[table].frame[column].unique()
        text = raw.frame[field.name]
        expected = f"a {column} listed in {raws[table].path.name}"
        if field.references:
            missing = (text != "") & ~text.isin(known)
            raw.fail_first(missing, field.name, lambda v: f"unknown {column} {v!r}", expected)
        else:
            codes = text[text != ""].str.split(" ").explode()
            unknown = codes[~codes.isin(known)]
            if len(unknown):
                raw.fail(int(unknown.index[0]), field.name, f"unknown {column} {unknown.iloc[0]!r}",
                         expected)


def _check_one_default(raw: _RawTable):
    defaults = raw.frame["default"] == "true"  # booleans are checked to be 'true' or 'false' by then
    if defaults.sum() != 1:
        raw.fail(int(np.flatnonzero(defaults)[1]) if defaults.sum() > 1 else 0, "default",
                 f"{int(defaults.sum())} readings are marked default", "exactly one reading with default true")


def _check_stage_order(raw: _RawTable, stages: pd.DataFrame):
    """Under every reading, a platform has one row per stage, from stage 1 on, in date order."""
    seen: dict[tuple, tuple] = {}  # (platform, reading, stage) -> (row, started)
    for row, (platform, stage, readings, started) in enumerate(
        zip(stages["platform"], stages["stage"], stages["readings"], stages["started"])
    ):
        for reading in readings.split(" "):
            if (platform, reading, stage) in seen:
                raw.fail(row, "readings", f"{platform} enters stage {stage} twice under the reading {reading!r}",
                         f"one row per platform, stage and reading (the first is on line "
                         f"{int(raw.lines[seen[platform, reading, stage][0]])})")
            seen[platform, reading, stage] = (row, started)
    for (platform, reading, stage), (row, started) in seen.items():
        if stage == 1:
            continue
        previous = seen.get((platform, reading, stage - 1))
        if previous is None:
            raw.fail(row, "stage", f"{platform} enters stage {stage} under the reading {reading!r} without a "
                                   f"row for stage {stage - 1}",
                     f"a row for {platform} stage {stage - 1} listing {reading}")
        before = previous[1]
        if started < before:
            raw.fail(row, "started",
                     f"{platform} enters stage {stage} on {started.date()}, "
                     f"before stage {stage - 1} ({before.date()})",
                     f"a date on or after {before.date()}")


def _check_revenue(raws: dict[str, _RawTable]):
    """Every revenue figure has its quarter's results day in releases.csv, and a geography of its
    company in geographies.csv (or 'Worldwide')."""
    revenue = raws["revenue"]
    released = set(zip(raws["releases"].frame["company"], raws["releases"].frame["period"]))
    unreleased = [pair not in released for pair in zip(revenue.frame["company"], revenue.frame["period"])]
    revenue.fail_first(unreleased, "period", lambda v: f"quarter {v} has no results day for the row's company",
                       "a row for the company and quarter in releases.csv")
    known = set(zip(raws["geographies"].frame["company"], raws["geographies"].frame["geography"]))
    unknown = [g != WORLDWIDE and (c, g) not in known
               for c, g in zip(revenue.frame["company"], revenue.frame["geography"])]
    revenue.fail_first(unknown, "geography", lambda v: f"unknown geography {v!r} for the row's company",
                       "'Worldwide' or a geography of the company in geographies.csv")


def _check_month_dates(raw: _RawTable):
    """An event's date is of kind 'month' exactly when only its month is known."""
    month_kind, month_precision = raw.frame["date_kind"] == "month", raw.frame["date_precision"] == "month"
    raw.fail_first((month_kind != month_precision).to_numpy(), "date_kind",
                   lambda v: f"{v!r} does not fit the row's date_precision",
                   "'month' where date_precision is month, and only there")


def _check_read_after_published(raw: _RawTable, sources: pd.DataFrame):
    early = (sources["accessed"] < sources["published"]).fillna(False).to_numpy()
    raw.fail_first(early, "accessed", lambda v: f"{v} is before the source was published",
                   "the day the page was read, on or after its 'published' date")


def _check_published_precision(raw: _RawTable, sources: pd.DataFrame):
    """A dated source says how precise its date is, an undated one does not; a month is its 1st."""
    dated, precision = sources["published"].notna().to_numpy(), sources["published_precision"]
    raw.fail_first(dated & precision.isna().to_numpy(), "published_precision", "is empty for a dated source",
                   "day or month")
    raw.fail_first(~dated & precision.notna().to_numpy(), "published_precision",
                   lambda v: f"{v!r} is given for a source without a published date", "empty")
    not_first = ((precision == "month") & (sources["published"].dt.day != 1)).fillna(False).to_numpy()
    raw.fail_first(not_first, "published", lambda v: f"{v} is not the 1st of its month, as the row's "
                                                     "published_precision 'month' asks", "the 1st of the month")


def _check_exclusions(raws: dict[str, _RawTable]):
    """What an event leaves out is a group of groups.csv or a country of countries.csv; a day it was
    reached needs something left out, and comes after the event."""
    events = raws["rollouts"].frame
    known = set(raws["groups"].frame["group"]) | set(raws["countries"].frame["country"])
    unknown = [any(t not in known for t in str(text).split(" ")) if text else False for text in events["excluded"]]
    raws["rollouts"].fail_first(
        unknown, "excluded", lambda v: f"{v!r} names a place that is neither a group nor a country",
        "groups of groups.csv or countries of countries.csv, separated by spaces")
    lonely = ((events["excluded_until"] != "") & (events["excluded"] == "")).to_numpy()
    raws["rollouts"].fail_first(lonely, "excluded_until", lambda v: f"{v} says when nothing left out was reached",
                                "empty, or a value in 'excluded'")
    early = ((events["excluded_until"] != "") & (events["excluded_until"] <= events["date"])).to_numpy()
    raws["rollouts"].fail_first(early, "excluded_until", lambda v: f"{v} is not after the event",
                                "a day after the event's date")


def _check_after_launch(raws: dict[str, _RawTable], typed: dict[str, pd.DataFrame]):
    launched = typed["platforms"].set_index(typed["platforms"]["platform"].astype(str))["launched"]
    for name, column in (("user_counts", "date"), ("stages", "started"), ("rollouts", "date")):
        frame = typed[name]
        launch = frame["platform"].astype(str).map(launched)
        too_early = (frame[column] < launch).to_numpy()
        raws[name].fail_first(too_early, column, lambda v: f"{v} is before the platform's launch",
                              "a date on or after the launch date in platforms.csv")


def _check_regions_match(raws: dict[str, _RawTable], typed: dict[str, pd.DataFrame]):
    region_of = typed["countries"].set_index("country")["region"].astype(str)
    for name in ("regions", "orientations"):
        frame = typed[name]
        country_region = frame["country"].map(region_of)
        wrong = (frame["country"].notna() & (country_region != frame["region"].astype(str))).to_numpy()
        raws[name].fail_first(wrong, "region", lambda v: f"region {v!r} does not hold the row's country",
                              "the country's region from countries.csv")


def _check_rollout_regions(raw: _RawTable, countries: pd.DataFrame):
    region_of = dict(zip(countries["country"], countries["region"].astype(str)))
    for row, (region, codes) in enumerate(zip(raw.frame["region"], raw.frame["countries"])):
        if not codes:
            continue
        regions = {region_of[code] for code in codes.split(" ")}
        expected = regions.pop() if len(regions) == 1 else MULTIPLE_REGIONS
        if region != expected:
            problem = f"region {region!r} does not match the countries {codes!r}"
            if region == WORLDWIDE:
                problem = f"a {WORLDWIDE} event lists countries {codes!r}"
            raw.fail(row, "region", problem, repr(expected))


def _check_products(raws: dict[str, _RawTable]):
    """Every event's product is listed for its platform; a replacement is one of the same platform's
    products and has a source."""
    products = raws["products"].frame
    listed = set(zip(products["platform"], products["product"]))
    events = raws["rollouts"]
    unknown = [pair not in listed for pair in zip(events.frame["platform"], events.frame["product"])]
    events.fail_first(unknown, "product", lambda v: f"product {v!r} is not listed for the row's platform",
                      "a (platform, product) pair listed in products.csv")
    replaced = products["replaced_by"] != ""
    unknown = [bool(r) and (p, new) not in listed
               for r, p, new in zip(replaced, products["platform"], products["replaced_by"])]
    raws["products"].fail_first(unknown, "replaced_by",
                                lambda v: f"replacement {v!r} is not a product of the row's platform",
                                "a product of the same platform listed in products.csv")
    raws["products"].fail_first(replaced & (products["source_id"] == ""), "source_id",
                                "a replacement without a source", "the source_id saying what replaced it")


def _check_units(raws: dict[str, _RawTable]):
    """A regional figure is in its metric's unit."""
    unit_of = dict(zip(raws["metrics"].frame["metric"], raws["metrics"].frame["unit"]))
    regions = raws["regions"].frame
    expected = regions["metric"].map(unit_of)
    raws["regions"].fail_first((regions["unit"] != expected).to_numpy(), "unit",
                               lambda v: f"unit {v!r} is not the metric's unit",
                               "the unit given for the metric in metrics.csv")


def _checksum(contents: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for table in TABLES:
        digest.update(table.filename.encode())
        digest.update(contents[table.name])
    return digest.hexdigest()
