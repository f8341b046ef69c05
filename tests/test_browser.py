"""Rendered briefings and the index in a real browser: headless Chromium, offline, from file:// URLs.

The network is blocked with a proxy that refuses connections (127.0.0.1:9), so any http(s)
request a page made would fail and show up as a failed resource and a console error.
Each page is loaded once (module-scoped fixture) and every test asserts on what was collected.
"""

import os
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(f"needs Debian's {CHROMIUM} and {CHROMEDRIVER} (apt install chromium chromium-driver)",
                allow_module_level=True)

pytest.importorskip("selenium", reason="needs selenium to drive Chromium (pip install selenium)")

from factory import BASE, make_dataset  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from analysis.briefing import batch as briefing_batch, run  # noqa: E402

ARGUMENTS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--window-size=1280,1000",
)
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PAGES = ("briefing", "hostile", "german", "index")

COLLECT = """
const images = [...document.images];
return {
  title: document.title,
  lang: document.documentElement.lang,
  h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
  images: images.map(i => ({complete: i.complete, width: i.naturalWidth, src: i.src.slice(0, 30)})),
  resources: performance.getEntriesByType('resource').map(e => e.name),
  scripts: document.scripts.length,
  tocTargets: [...document.querySelectorAll('nav.toc a')].map(a => a.hash.slice(1)),
  missingTargets: [...document.querySelectorAll('nav.toc a')]
      .filter(a => !document.getElementById(decodeURIComponent(a.hash.slice(1)))).map(a => a.hash),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  text: document.body.innerText,
  height: Math.max(document.body.scrollHeight, document.documentElement.scrollHeight),
};
"""


def hostile_tables():
    """A miniature dataset with stage data for Messenger only (a grid of 6) and payloads in its texts."""
    sources = BASE["sources"] + [
        ("src-x", "Evil Press", f"Headline {SCRIPT}", "2017-01-20", "https://example.org/x", "en", ""),
    ]
    messenger = [row for row in BASE["stages"] if row[0] == "Messenger"]
    messenger[-1] = ("Messenger", "3", "2017-01-01", "Ads.", "src-x")
    rollouts = BASE["rollouts"] + [
        ("2017-02-01", "Messenger", f"Inbox ads test {IMG}", "test", "Inbox ads", "3", "Asia-Pacific",
         "TH", "src-x", ""),
    ]
    return {"sources": sources, "stages": messenger, "rollouts": rollouts}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A batch of the miniature dataset (6 briefings in each language and index.html) and one
    real-data briefing."""
    root = tmp_path_factory.mktemp("browser")
    data = root / "data"
    make_dataset(data, **hostile_tables())
    batch = briefing_batch.render_all(root / "batch", workers=2, data=data, progress=False)
    assert not batch.failed, batch.failed
    real = run.render_briefing("Messenger", "Asia-Pacific", "2017-07-11", out=root / "real")
    hostile = root / "batch" / "messenger--asia-pacific--2020-01-01.html"
    german = root / "batch" / "messenger--asia-pacific--2020-01-01--de.html"
    assert hostile.is_file() and german.is_file()
    return {"briefing": real, "hostile": hostile, "german": german, "index": batch.index}


@pytest.fixture(scope="module")
def driver(short_tmp_factory):
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # Chromium leaves a folder with its socket in its temporary folder: this one is removed.
    service = Service(str(CHROMEDRIVER), env={**os.environ, "TMPDIR": str(short_tmp_factory())})
    chrome = webdriver.Chrome(service=service, options=options)
    chrome.set_page_load_timeout(60)
    yield chrome
    chrome.quit()


def load(driver, path):
    """Open a file as a file:// URL; wait until it and its images are loaded; return what was seen."""
    driver.get_log("browser")  # drop entries of earlier pages
    driver.set_window_size(1280, 1000)
    driver.get(Path(path).resolve().as_uri())
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    wait.until(lambda d: d.execute_script("return [...document.images].every(i => i.complete)"))
    return driver.execute_script(COLLECT)


def alert_text(driver):
    try:
        return driver.switch_to.alert.text
    except NoAlertPresentException:
        return None


@pytest.fixture(scope="module")
def pages(site, driver, tmp_path_factory):
    """Each page, loaded once: what the DOM showed, the console log, an alert if any, a screenshot."""
    screens = tmp_path_factory.mktemp("screens")
    result = {}
    for name in PAGES:
        seen = load(driver, site[name])
        alert = alert_text(driver)
        logs = driver.get_log("browser")
        driver.set_window_size(1280, min(max(seen["height"], 1000), 10000))
        screenshot = screens / f"{name}.png"
        assert driver.save_screenshot(str(screenshot))
        result[name] = {"name": name, "path": site[name], "seen": seen, "logs": logs, "alert": alert,
                        "screenshot": screenshot}
    return result


@pytest.fixture(params=PAGES)
def page(request, pages):
    return pages[request.param]


def test_page_renders(page):
    seen = page["seen"]
    assert seen["title"].strip()
    assert len(seen["h1"]) == 1 and seen["h1"][0]
    if page["name"] == "index":
        assert seen["title"] == "Briefings"
        assert seen["h1"] == ["Messaging monetization briefings"]
    elif page["name"] == "german":
        assert seen["lang"] == "de"
        assert "Monetarisierungs-Briefing, 1. Januar 2020" in seen["title"]
        assert seen["h1"] == [seen["title"]]
        assert "Parameter" in seen["text"] and "Quellen" in seen["text"] and "Sources" not in seen["text"]
    else:
        assert seen["lang"] == "en"
        assert "monetization briefing, " in seen["title"]
        assert seen["h1"] == [seen["title"]]
        assert "Parameters used" in seen["text"] and "Sources" in seen["text"]


def test_every_image_decodes(page):
    images = page["seen"]["images"]
    if page["name"] != "index":
        # five charts, less the users by country (Messenger has no such figures), and less Meta's
        # revenue in 2017, before the first quarter in the data (the miniature's data ends in 2020)
        expected = 3 if page["name"] == "briefing" else 4
        assert len(images) == expected, f"this Messenger briefing has {expected} charts"
    for image in images:
        assert image["complete"] and image["width"] > 0, image
        assert image["src"].startswith("data:image/"), image


def test_no_request_leaves_the_machine(page):
    for name in page["seen"]["resources"]:
        assert name.startswith(("file:", "data:")), f"requested {name}"
    failed = [e for e in page["logs"] if "Failed to load resource" in e["message"]]
    assert failed == []


def test_no_console_error(page):
    severe = [e for e in page["logs"] if e["level"] == "SEVERE"]
    assert severe == []


def test_no_script_runs(page):
    assert page["seen"]["scripts"] == 0
    assert page["alert"] is None, f"an alert opened: {page['alert']!r}"


@pytest.mark.parametrize("name", ["briefing", "hostile", "german"])
def test_table_of_contents_links_resolve(pages, name):
    seen = pages[name]["seen"]
    assert len(seen["tocTargets"]) >= 7
    assert seen["missingTargets"] == []


def test_hostile_texts_show_as_text(pages):
    text = pages["hostile"]["seen"]["text"]
    assert SCRIPT in text
    assert IMG in text


def test_index_links_open_briefings(pages, driver):
    index = pages["index"]
    links = index["seen"]["links"]
    assert len(links) == 12  # 6 briefings in each language
    for link in links:
        assert (Path(index["path"]).parent / link).is_file(), link
    seen = load(driver, Path(index["path"]).parent / links[0])
    assert "briefing, " in seen["title"].lower() and seen["h1"] == [seen["title"]]
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []


def test_screenshot_is_saved(page):
    shot = page["screenshot"]
    assert shot.is_file()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.path.getsize(shot) > 20_000


def test_network_is_really_blocked(site, driver):
    """Control: a request to the internet fails, and the checks above would have caught it."""
    load(driver, site["index"])
    driver.execute_script(
        "const i = document.createElement('img'); i.id = 'probe';"
        "i.src = 'https://example.org/probe.png'; document.body.appendChild(i);")
    deadline = time.monotonic() + 20
    logs = []
    while time.monotonic() < deadline:
        logs += driver.get_log("browser")
        if any("probe.png" in e["message"] for e in logs):
            break
        time.sleep(0.2)
    assert driver.execute_script("return document.getElementById('probe').naturalWidth") == 0
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert "https://example.org/probe.png" in resources
    assert any(e["level"] == "SEVERE" and "probe.png" in e["message"] for e in logs), logs
    driver.find_element(By.TAG_NAME, "body")  # the driver is still usable
