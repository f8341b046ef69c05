"""Briefings printed to A4 PDF by headless Chromium: text, fonts, page breaks, the batch."""

import html
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(f"needs Debian's {CHROMIUM} and {CHROMEDRIVER} (apt install chromium chromium-driver)",
                allow_module_level=True)

import pypdf  # noqa: E402

from analysis import labels  # noqa: E402
from analysis.briefing import batch, run  # noqa: E402
from factory import make_dataset  # noqa: E402

# It renders and prints briefings: a parallel run starts it before the quick modules.
pytestmark = pytest.mark.early(2)

A4_POINTS = (595.92, 841.92)
SECTIONS = ("standing", "users", "events", "market", "region", "peers", "outlook", "sources")


@pytest.fixture(scope="module")
def printing_tmp(short_tmp_factory):
    """The temporary folder of this process and of the browser while ``printed`` prints."""
    return short_tmp_factory()


@pytest.fixture(scope="module")
def printed(tmp_path_factory, printing_tmp):
    """One real-data briefing in each language with its PDF: {lang: (html, pdf, reader)}; printed
    with ``printing_tmp`` as the temporary folder."""
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(printing_tmp))
        patch.setattr(tempfile, "tempdir", str(printing_tmp))
        for lang, platform, region in (("de", "WhatsApp", "Europe"), ("en", "Messenger", "Asia-Pacific")):
            page = run.render_briefing(platform, region, "2017-07-11" if lang == "en" else None, lang, out=out,
                                       pdf=True)
            result[lang] = (page, page.with_suffix(".pdf"), pypdf.PdfReader(page.with_suffix(".pdf")))
    return result


def _text(reader) -> str:
    """The PDF's text, ligatures ('ﬁ') as letters, whitespace as single spaces."""
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_pdf_is_a4_with_the_title_every_heading_and_the_sources(printed, lang):
    page, pdf, reader = printed[lang]
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert 3 <= len(reader.pages) <= 20
    for sheet in reader.pages:
        assert (float(sheet.mediabox.width), float(sheet.mediabox.height)) == pytest.approx(A4_POINTS, abs=1)
    text = _text(reader)
    title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8")).group(1)
    assert title.replace("&amp;", "&") in text.replace("- ", "-")  # a line break may fall after a hyphen
    for section in SECTIONS:
        assert labels.label(f"section:{section}", lang) in text, section
    assert "https://" in text  # the sources print their addresses
    assert f"1 / {len(reader.pages)}" in text  # the running footer numbers the pages


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_font_is_embedded(printed, lang):
    _, _, reader = printed[lang]
    for sheet in reader.pages:
        for font in (sheet["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            if font["/Subtype"] == "/Type3":  # glyphs drawn by procedures inside the PDF
                assert font["/CharProcs"], font
                continue
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")), font


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_events_table_breaks_no_kind_product_or_place_inside_a_word(printed, lang):
    """A4 is narrow: the kind, product and place columns are wide enough for their longest words
    ('Ankündigung', 'Unternehmen', 'Kanalwerbung'); a word cut at a line end ('Unternehme n')
    would read as two."""
    page, _, reader = printed[lang]
    table = re.search(r'<table class="events">(.*?)</table>', page.read_text(encoding="utf-8"), re.S).group(1)
    words = set()
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2:5]:
            text = html.unescape(re.sub(r"<[^>]+>", " ", cell))
            words |= {word for word in re.split(r"[\s,/-]+", text) if len(word) >= 6}
    assert len(words) >= 10
    text = _text(reader)
    cut_words = [word for word in sorted(words) for cut in range(1, len(word))
                 if re.search(rf"\b{re.escape(word[:cut])} {re.escape(word[cut:])}\b", text)]
    assert cut_words == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_chart_is_split_across_pages(printed, lang):
    page, _, reader = printed[lang]
    charts = page.read_text(encoding="utf-8").count('<img src="data:image/png')
    assert charts >= 3
    assert sum(len(sheet.images) for sheet in reader.pages) == charts  # a split chart is drawn on two pages


def test_a_batch_prints_every_page_once_with_one_browser(tiny, tmp_path):
    """In one language (both are printed by the tests above), for one platform: 6 pages."""
    out = tmp_path / "reports"
    first = batch.render_all(out, workers=2, data=tiny, progress=False, pdf=True, languages=["de"])
    assert len(first.manifest) == 6
    assert not first.failed
    pdfs = sorted(out.glob("*.pdf"))
    assert sorted(p.stem for p in pdfs) == sorted(Path(e["output"]).stem for e in first.manifest)
    assert all(e["pdf"] == str(Path(e["output"]).with_suffix(".pdf")) for e in first.manifest)
    index = first.index.read_text(encoding="utf-8")
    assert index.count(">PDF</a>") == len(first.manifest)
    printed_at = {p.name: p.stat().st_mtime_ns for p in pdfs}
    again = batch.render_all(out, workers=2, data=tiny, progress=False, pdf=True, languages=["de"])
    assert {e["status"] for e in again.manifest} == {"skipped"}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == printed_at  # up to date: not printed again


def test_a_browser_that_does_not_start_fails_with_one_line_and_keeps_the_page(tmp_path, monkeypatch):
    from analysis.briefing import pdf
    from factory import run_main

    folder, out = tmp_path / "data", tmp_path / "out"
    make_dataset(folder)
    monkeypatch.setattr(pdf, "tools", lambda: ("/bin/false", str(CHROMEDRIVER)))
    status, stdout, stderr = run_main(["--platform", "Messenger", "--data", folder, "--out", out, "--pdf"])
    assert status == 1
    assert stderr.startswith("briefing: Chromium did not start: ") and stderr.count("\n") == 1, stderr
    assert [p.suffix for p in out.glob("messenger--*")] == [".html"]  # the page is kept, no PDF


def test_printing_leaves_nothing_in_the_temporary_folder(printed, printing_tmp):
    """Chromium leaves a folder with its socket in the temporary folder when it ends: the printer
    keeps it, and the browser's profile, in a folder of its own that it removes on close. Only
    the compiled templates, kept for the next run, stay."""
    assert [p.name for p in printing_tmp.iterdir() if not p.name.startswith("_jinja2-cache-")] == []


def test_a_printer_that_does_not_start_leaves_no_folder(tmp_path, monkeypatch):
    from analysis.briefing import pdf

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(pdf, "tools", lambda: ("/bin/false", str(CHROMEDRIVER)))
    with pytest.raises(pdf.PrintFailed, match="^Chromium did not start: "):
        pdf.Printer()
    assert list(tmp_path.iterdir()) == []


def test_a_driver_that_does_not_start_ends_the_browser_and_leaves_no_folder(short_tmp_factory, monkeypatch):
    import psutil

    from analysis.briefing import pdf

    temporary = short_tmp_factory()  # short enough for the browser to keep its socket in the printer's folder
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(pdf, "tools", lambda: (str(CHROMIUM), "/bin/false"))
    before = set(psutil.Process().children(recursive=True))  # a parallel run's worker has some
    with pytest.raises(pdf.PrintFailed, match="^chromedriver did not attach to Chromium: "):
        pdf.Printer()
    assert set(psutil.Process().children(recursive=True)) - before == set()  # the browser it started has ended
    assert list(temporary.iterdir()) == []


def test_a_printer_in_a_temporary_folder_too_long_for_chromium_s_socket_starts(tmp_path, short_tmp_factory,
                                                                               monkeypatch):
    from analysis.briefing import pdf

    temporary = tmp_path / ("t" * 60)
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # the printer's folder would be in it
    usual = short_tmp_factory()
    monkeypatch.setenv("TMPDIR", str(usual))  # the browser's usual temporary folder
    pdf.Printer().close()  # Chromium started
    assert list(temporary.iterdir()) == []
    assert [p.name[:len("org.chromium.")] for p in usual.iterdir()] == ["org.chromium."]  # its socket's folder
