"""load() on hostile input: it never blocks, never reads without bound, changes nothing, and
refuses every case with a DataValidationError naming file, line, column and what was expected."""

import datetime as dt
import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import read_rows, write_rows

import analysis
from analysis import data

THIS_YEAR = dt.date.today().year
YEARS = f"a whole number from 1990 to {THIS_YEAR}"
CONTROL = "text without control characters"


# --- ways to spoil a copy of the data folder: each returns the path the error must name ----------


def replace(table, make):
    """The table's file replaced by what ``make(path)`` puts there."""

    def apply(folder, monkeypatch):
        path = folder / f"{table}.csv"
        path.unlink()
        make(path)
        return path

    return apply


def cell(table, column, value, row=1, **match):
    """One cell set to ``value``: in data row ``row``, or in the first row whose cells equal ``match``."""

    def apply(folder, monkeypatch, row=row):
        path = folder / f"{table}.csv"
        rows = read_rows(path)
        if match:
            row = next(i for i, r in enumerate(rows) if i and all(r[rows[0].index(k)] == v
                                                                   for k, v in match.items()))
        rows[row][rows[0].index(column)] = value
        write_rows(path, rows)
        return path

    return apply


def rows_of(table, change):
    """The table's rows replaced by ``change(rows)``."""

    def apply(folder, monkeypatch):
        path = folder / f"{table}.csv"
        write_rows(path, change(read_rows(path)))
        return path

    return apply


def unreadable(table):
    """Opening the file fails with EACCES, as for a file without read permission (root reads all)."""

    def apply(folder, monkeypatch):
        path = folder / f"{table}.csv"
        real_open = os.open

        def refusing_open(name, *args, **kwargs):
            if Path(name) == path:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)
        return path

    return apply


def limit(max_bytes, growing=False):
    """A lower size limit; ``growing``: stat reports every file empty, as if it grew after the check."""

    def apply(folder, monkeypatch):
        monkeypatch.setattr(data, "MAX_FILE_BYTES", max_bytes)
        if growing:
            for name in ("stat", "fstat"):
                real = getattr(os, name)
                monkeypatch.setattr(os, name, lambda *a, real=real, **k: _empty(real(*a, **k)))
        return folder / "countries.csv"

    return apply


def _empty(info: os.stat_result) -> os.stat_result:
    fields = list(info)
    fields[stat.ST_SIZE] = 0
    return os.stat_result(fields)


def no_folder(folder, monkeypatch):
    shutil.rmtree(folder)
    return folder


def file_as_folder(folder, monkeypatch):
    shutil.rmtree(folder)
    folder.write_text("country,name,region\n")
    return folder


def _key_again_with_a_trailing_space(rows):
    event = rows[0].index("event")
    copy = list(rows[1])
    copy[event] += " "
    return rows + [copy]


# (spoil, line, column, problem, expected); the line and column the error must name
CASES = {
    # files that would block, read forever or cannot be read
    "named pipe": (replace("stages", os.mkfifo), None, None, "is a named pipe", "CSV file"),
    "symlink to /dev/zero": (replace("stages", lambda p: p.symlink_to("/dev/zero")), None, None,
                             "is a character device", "CSV file"),
    "symlink loop": (replace("stages", lambda p: p.symlink_to(p)), None, None,
                     "cannot be read (Too many levels of symbolic links)", "CSV file"),
    "folder as a table": (replace("stages", Path.mkdir), None, None, "is a folder", "CSV file"),
    "no read permission": (unreadable("stages"), None, None, "cannot be read (Permission denied)",
                           "CSV file"),
    "file over the size limit": (limit(1000), None, None, "larger than 1,000 bytes",
                                 "a CSV file of at most 1,000 bytes"),
    "file growing past the limit": (limit(1000, growing=True), None, None, "larger than 1,000 bytes",
                                    "a CSV file of at most 1,000 bytes"),
    "data folder missing": (no_folder, None, None, "data folder is missing", "a folder holding"),
    "data folder is a file": (file_as_folder, None, None, "data folder is not a folder",
                              "a folder holding"),
    "header only": (rows_of("stages", lambda rows: rows[:1]), 2, None, "table has no rows",
                    "at least one row"),
    # years and dates
    "year beyond 64 bits": (cell("regions", "year", "99999999999999999999999"), 2, "year",
                            "'99999999999999999999999' is out of range", YEARS),
    "negative year": (cell("regions", "year", "-2018", row=3), 4, "year", "out of range", YEARS),
    "year zero": (cell("orientations", "year", "0"), 2, "year", "out of range", YEARS),
    "year 3000": (cell("regions", "year", "3000", row=2), 3, "year", "out of range", YEARS),
    "next year": (cell("orientations", "year", str(THIS_YEAR + 1)), 2, "year", "out of range", YEARS),
    "date before 1990": (cell("sources", "published", "1989-12-31", row=4), 5, "published",
                         "before 1990-01-01", "a date on or after 1990-01-01"),
    "stage beyond 64 bits": (cell("stages", "stage", "99999999999999999999999"), 2, "stage",
                             "too large", "at most 15 digits"),
    # numbers
    "users 1e308": (cell("user_counts", "users_millions", "1e308", row=2), 3, "users_millions",
                    "'1e308' is out of range", "a number from 0.001 to 10000"),
    "users 1e-300": (cell("user_counts", "users_millions", "1e-300", row=5), 6, "users_millions",
                     "'1e-300' is out of range", "a number from 0.001 to 10000"),
    "percent over 100": (cell("regions", "value", "101", unit="percent"), None, "value",
                         "'101' is out of range", "from 0 to 100 where unit is percent"),
    "millions over the bound": (cell("regions", "value", "20000", unit="millions"), None, "value",
                                "out of range", "from 0 to 10000"),
    # text
    "blank required text": (cell("sources", "publisher", "   ", row=2), 3, "publisher",
                            "value is missing", "string"),
    "trailing space in a key": (rows_of("rollouts", _key_again_with_a_trailing_space), None, "event",
                                "has spaces at the start or end", "the value without them"),
    "leading space": (cell("platforms", "owner", " Meta"), 2, "owner", "has spaces", "without them"),
    "NUL": (cell("sources", "title", "Ads\x00", row=3), 4, "title", r"'Ads\x00' holds a control", CONTROL),
    "ESC terminal escape": (cell("stages", "evidence", "\x1b[2J\x1b[31mred"), 2, "evidence",
                            "holds a control character", CONTROL),
    "C1 control": (cell("rollouts", "event", "Ads\x85"), 2, "event", "holds a control", CONTROL),
    "right-to-left override": (cell("sources", "title", "txt.\u202eexe", row=2), 3, "title",
                               r"\u202e", CONTROL),
    "bidi isolate": (cell("rollouts", "note", "a\u2066b\u2069", row=2), 3, "note", "control", CONTROL),
    "newline in a quoted cell": (cell("stages", "evidence", "two\nlines", row=3), 4, "evidence",
                                 "control", CONTROL),
    "tab": (cell("platforms", "owner", "Me\tta"), 2, "owner", "control", CONTROL),
    "control character in a header": (rows_of("orientations", lambda r: [r[0] + ["x\x1b[2J"]]
                                              + [row + [""] for row in r[1:]]),
                                      1, "x\x1b[2J", "unexpected column", "the columns region"),
    # URLs and country codes
    "URL without host https:///": (cell("sources", "url", "https:///", row=2), 3, "url", "not valid",
                                   "an http(s) URL with a host"),
    "URL http://": (cell("sources", "url", "http://"), 2, "url", "not valid", "with a host"),
    "URL with only user info": (cell("sources", "url", "https://user@/page"), 2, "url", "names no host",
                                "host name"),
    "URL with a bare word host": (cell("sources", "url", "https://localhost/x"), 2, "url",
                                  "names no host", "host name"),
    "UK for GB": (cell("countries", "country", "UK", country="GB"), None, "country",
                  "'UK' is not an ISO 3166-1 alpha-2 code (did you mean GB?)", "a code from ISO 3166-1"),
    "made-up country code": (cell("countries", "country", "XY", row=1), 2, "country",
                             "'XY' is not an ISO 3166-1 alpha-2 code", "ISO 3166-1"),
}
BLOCKING = {"named pipe", "symlink to /dev/zero"}


def snapshot(path: Path):
    """Everything about ``path`` that load() could change: entries, modes, sizes, times, bytes."""
    if not os.path.lexists(path):
        return None
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        return {entry.name: snapshot(Path(entry.path)) for entry in os.scandir(path)}
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None  # never open a pipe
    return info.st_mode, info.st_size, info.st_mtime_ns, content


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=[pytest.mark.timeout(20)] if name in BLOCKING else []) for name in CASES
])
def test_hostile_input_is_refused_and_nothing_changes(data_copy, monkeypatch, name):
    spoil, line, column, problem, expected = CASES[name]
    path = spoil(data_copy, monkeypatch)
    before = snapshot(data_copy)
    with pytest.raises(analysis.DataValidationError) as caught:
        analysis.load(data_copy)
    error = caught.value
    monkeypatch.undo()  # the real os functions again, to take the snapshot
    assert snapshot(data_copy) == before
    message = str(error)
    assert type(error) is analysis.DataValidationError
    assert error.path == path
    assert message.startswith(str(path))
    assert error.column == column, message
    if line is not None:
        assert error.line == line, message
        assert f", line {line}" in message
    elif column is None:
        assert error.line is None and ", line" not in message
    else:
        assert error.line > 1
    if column is not None:
        assert f", column {column!r}" in message
    assert problem in message
    assert expected in message.partition("; expected ")[2]
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or ord(c) in (0x202E, 0x2066, 0x2069)
                   for c in message), "the message must not carry control characters to a terminal"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_a_file_without_read_permission_is_refused(data_copy):
    path = data_copy / "stages.csv"
    path.chmod(0)
    with pytest.raises(analysis.DataValidationError, match="cannot be read"):
        analysis.load(data_copy)


def test_a_symlink_to_a_good_file_is_read(data_copy, tmp_path):
    target = tmp_path / "stages.csv"
    (data_copy / "stages.csv").rename(target)
    (data_copy / "stages.csv").symlink_to(target)
    assert len(analysis.load(data_copy).stages) > 0


def test_the_real_data_passes_every_rule():
    data._VALIDATED.clear()
    assert len(analysis.load().sources) > 0


@pytest.mark.parametrize("title", ["Café\u00a0Bar", "Ads in the app\u200d", "广告 in WeChat", "Ads, bots & \"chat\""])
def test_unusual_but_harmless_text_is_accepted(data_copy, title):
    cell("sources", "title", title, row=2)(data_copy, None)
    assert title in set(analysis.load(data_copy).sources["title"])
