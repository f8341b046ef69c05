"""Briefing pages printed to A4 PDF by one headless Chromium, driven through its DevTools protocol."""

from __future__ import annotations

import base64
import os
import shutil
from html import escape
from pathlib import Path

from .. import scratch
from ..files import write_atomic
from ..params import BriefingParameterError

INSTALL = "apt-get install chromium chromium-driver (Debian/Ubuntu)"
LOAD_TIMEOUT = 60  # seconds a page may take to load
A4_INCHES = (8.27, 11.69)
# Chromium's own arguments: no window, no network (a page loads nothing from outside), no first-run work.
ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             "--no-first-run", "--hide-scrollbars", "--disable-extensions", "--disable-component-update",
             "--disable-sync", "--disable-default-apps", "--no-default-browser-check")
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

    The browser and its driver keep their temporary files (a profile, a socket Chromium leaves
    behind) in a private folder (see ``scratch``), removed on close; unless that folder's path is
    too long for the socket, then they use the usual temporary folder.
    """

    def __init__(self):
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        chromium, driver = tools()
        options = Options()
        options.binary_location = chromium
        for argument in ARGUMENTS:
            options.add_argument(argument)
        self._failure = WebDriverException
        self._folder = scratch.make("chromium")
        short = len(os.fsencode(self._folder)) <= SOCKET_FOLDER_BYTES
        try:
            try:
                self._driver = webdriver.Chrome(
                    service=Service(driver, env={**os.environ, "TMPDIR": str(self._folder)} if short else None),
                    options=options)
            except WebDriverException as error:
                raise PrintFailed(f"Chromium did not start: {error.msg}") from None
        except BaseException:
            scratch.remove(self._folder)
            raise
        self._driver.set_page_load_timeout(LOAD_TIMEOUT)

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
        try:
            self._driver.quit()
        finally:
            scratch.remove(self._folder)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
