"""Briefing pages printed to A4 PDF by one headless Chromium, driven through its DevTools protocol."""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from html import escape
from pathlib import Path

from .. import scratch
from ..files import write_atomic
from ..params import BriefingParameterError

INSTALL = "apt-get install chromium chromium-driver (Debian/Ubuntu)"
LOAD_TIMEOUT = 60  # seconds a page may take to load
START_TIMEOUT = 60  # seconds Chromium may take to start
CLOSE_TIMEOUT = 10  # seconds Chromium may take to end once killed
A4_INCHES = (8.27, 11.69)
# Chromium's own arguments: no window, no network (a page loads nothing from outside), no first-run work.
ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             "--no-first-run", "--hide-scrollbars", "--disable-extensions", "--disable-component-update",
             "--disable-sync", "--disable-default-apps", "--no-default-browser-check")
PR_SET_PDEATHSIG = 1  # Linux's prctl option: the signal a process gets when the thread that started it ends
# Chromium makes <TMPDIR>/org.chromium.Chromium.XXXXXX/SingletonSocket, and fails to start if that
# path is longer than a socket's address may be (107 bytes).
SOCKET_FOLDER_BYTES = 107 - len("/org.chromium.Chromium.XXXXXX/SingletonSocket")
FOOTER = ('<div style="font-family: DejaVu Sans, sans-serif; font-size: 7.5px; color: #666; width: 100%; '
          'margin: 0 14mm; display: flex; justify-content: space-between;">'
          '<span>{title}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')


class PrintFailed(RuntimeError):
    """The browser could not start, load a page or print it."""


def tools() -> tuple[str, str]:
    """The paths of Chromium and its WebDriver.

    Raises
    ------
    BriefingParameterError
        One of them is not installed: it says which, and how to install it.
    """
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    missing = [name for name, path in (("Chromium", chromium), ("chromedriver", driver)) if path is None]
    if missing:
        raise BriefingParameterError(f"--pdf needs {' and '.join(missing)}, which is not installed here; "
                                     f"install it with: {INSTALL}")
    return chromium, driver


class Printer:
    """One headless Chromium that prints HTML files to A4 PDFs, one after another; close it (or use
    it as a context manager) to end the browser.

    This process starts the browser and chromedriver, which attaches to it (chromedriver would start
    the browser as its own child, which outlives it). Both keep their temporary files (a profile,
    the socket folder Chromium leaves behind) in a private folder (see ``scratch``), removed on
    close; unless that folder's path is too long for the socket, then they use the usual temporary
    folder. On Linux both end with the thread that made the printer, however that ends (``kill
    -9`` included): make it in a thread that outlives its use.
    """

    def __init__(self):
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        chromium, driver = tools()
        self._failure = WebDriverException
        self._folder = scratch.make("chromium")
        short = len(os.fsencode(self._folder)) <= SOCKET_FOLDER_BYTES
        environment = {**os.environ, "TMPDIR": str(self._folder)} if short else dict(os.environ)
        prctl = _prctl()
        ending = {"preexec_fn": functools.partial(_end_with_parent, prctl, os.getpid())} if prctl else {}
        self._browser = self._driver = None
        try:
            port = self._start_browser(chromium, environment, ending)
            options = Options()
            options.debugger_address = f"127.0.0.1:{port}"
            try:
                self._driver = webdriver.Chrome(service=Service(driver, env=environment, popen_kw=ending),
                                                options=options)
            except WebDriverException as error:
                raise PrintFailed(f"chromedriver did not attach to Chromium: {error.msg}") from None
            self._driver.set_page_load_timeout(LOAD_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def _start_browser(self, chromium: str, environment: dict, ending: dict) -> int:
        """Start Chromium; the port its DevTools listen on, once it has written it into its profile.

        Raises
        ------
        PrintFailed
            Chromium ended, or did not listen within ``START_TIMEOUT`` seconds.
        """
        profile = self._folder / "profile"
        log = self._folder / "chromium.log"
        with open(log, "wb") as output:
            self._browser = subprocess.Popen(
                [chromium, *ARGUMENTS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=output, stderr=output, env=environment, process_group=0,
                **ending)
        listening = profile / "DevToolsActivePort"  # the port, a line break, the browser's path
        deadline = time.monotonic() + START_TIMEOUT
        while "\n" not in (written := listening.read_text(encoding="utf-8") if listening.is_file() else ""):
            if self._browser.poll() is not None:
                last = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
                raise PrintFailed(f"Chromium did not start: it exited with status {self._browser.returncode}"
                                  + (f": {last[0]}" if last else ""))
            if time.monotonic() > deadline:
                raise PrintFailed(f"Chromium did not start within {START_TIMEOUT} s")
            time.sleep(0.01)
        return int(written.split()[0])

    def print(self, page: Path, pdf: Path, title: str) -> Path:
        """Print the HTML file ``page`` to ``pdf`` (written whole or not at all), with ``title`` and
        page numbers in a running footer.

        Raises
        ------
        PrintFailed
            The page did not load within ``LOAD_TIMEOUT`` seconds, or the browser failed.
        """
        try:
            self._driver.get(Path(page).resolve().as_uri())
            printed = self._driver.execute_cdp_cmd("Page.printToPDF", {
                "paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1], "preferCSSPageSize": True,
                "printBackground": True, "displayHeaderFooter": True, "headerTemplate": "<span></span>",
                "footerTemplate": FOOTER.format(title=escape(title)), "generateDocumentOutline": True})
        except self._failure as error:
            raise PrintFailed(f"{Path(page).name}: printing the PDF failed: {error.msg}") from None
        return write_atomic(pdf, base64.b64decode(printed["data"]))

    def close(self) -> None:
        """End chromedriver and the browser with all its processes, and remove their folder."""
        try:
            if self._driver is not None:
                self._driver.quit()  # ends chromedriver, not the browser it attached to
        finally:
            if self._browser is not None:
                # Its own process group: the browser's helper processes outlive it for a moment and
                # may still write into the profile, which is removed next; nothing in it is kept.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._browser.pid, signal.SIGKILL)
                self._browser.wait(timeout=CLOSE_TIMEOUT)
            scratch.remove(self._folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@functools.cache
def _prctl():
    """Linux's ``prctl``, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    return ctypes.CDLL(None, use_errno=True).prctl


def _end_with_parent(prctl, parent: int) -> None:
    """Run in a new process before it starts its program: be killed when the thread that started
    it ends, or end at once if its parent already has."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
