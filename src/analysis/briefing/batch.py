"""The batch: every platform and region focus rendered by a pool of workers, a manifest and an index page."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from html import escape
from multiprocessing import util
from pathlib import Path

from .. import __version__, checks, scratch, stages
from ..data import Dataset, load
from ..files import folder_lock, remove_temporaries, write_atomic
from ..labels import label
from ..params import BriefingParameterError, validate
from ..schema import LANGUAGES, REGIONS
from .notebook import PRELOAD, START_TIMEOUT, TEMPLATE
from .run import (EXECUTED, TIMEOUT, BriefingFailed, check_output_folder, check_timeout, input_checksum,
                  output_name, print_pdf, render_in, share_with_kernel)

WORKERS_PER_CORE = 2  # the most batch workers per core this process may run on


def max_workers() -> int:
    """The most workers a batch may start: ``WORKERS_PER_CORE`` per core this process may use."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return WORKERS_PER_CORE * cores


def check_workers(workers) -> int:
    """The number of batch workers: the cores by default; refuse one outside 1..max_workers()."""
    cap = max_workers()
    if workers is None:
        return cap // WORKERS_PER_CORE
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= cap:
        raise BriefingParameterError(f"--workers must be a whole number from 1 to {cap} (twice the "
                                     f"{cap // WORKERS_PER_CORE} cores here), got {workers!r}")
    return workers


@dataclass
class BatchResult:
    """What a batch did: one manifest entry per briefing, and the index page."""

    manifest: list[dict]
    index: Path

    @property
    def failed(self) -> list[dict]:
        return [entry for entry in self.manifest if entry["status"] == "failed"]


def grid(ds: Dataset, languages=LANGUAGES) -> list[dict]:
    """Every platform with stage data times every region focus (and none) times ``languages``,
    as of the latest data."""
    as_of = str(ds.latest.date())
    return [validate(ds, {"platform": p, "region": r, "as_of": as_of, "lang": lang})
            for lang in languages for p in stages.platforms_with_stages(ds) for r in (None, *REGIONS)]


def render_all(out="reports", *, workers: int | None = None, force: bool = False,
               data: str | Path | None = None, progress: bool = True, timeout: float = TIMEOUT,
               fresh_kernels: bool = False, languages=LANGUAGES, pdf: bool = False,
               pptx: bool = False) -> BatchResult:
    """Render the whole grid with a pool of workers; write ``manifest.json`` and ``index.html``.

    Each worker keeps one warm kernel; the workers draw each chart the briefings share once
    and pass it on through a temporary folder. With ``fresh_kernels`` every briefing
    gets a new kernel instead (forked from a server that has imported the libraries and run
    nothing, see ``forked``): slower, and the same pages. Briefings whose inputs are unchanged
    since the last run are skipped unless ``force``. A briefing that fails, passes ``timeout``
    seconds or whose worker dies is recorded as failed; the others still finish. Workers and
    their kernels end with the process that started them, however it ends. With ``pdf``, one
    headless Chromium then prints every page whose PDF is missing or older than it. With
    ``pptx``, each worker also writes the deck and chart files of the pages it renders (a page
    without its deck is rendered again).

    Returns
    -------
    BatchResult

    Raises
    ------
    BriefingParameterError
        ``workers`` outside 1 to ``max_workers()``, an unknown language, a bad ``timeout`` or
        output folder, ``pdf`` without Chromium.
    FolderBusy
        Another run holds the output folder's lock.
    """
    from tqdm import tqdm

    ds = load(data)
    workers = check_workers(workers)
    check_timeout(timeout)
    briefings = grid(ds, _check_languages(languages))
    out = check_output_folder(out, [output_name(values) for values in briefings])
    if pdf:
        from .pdf import tools
        tools()
    with folder_lock(out):
        scratch.remove_stale()
        remove_temporaries(out)
        remove_temporaries(out / EXECUTED)
        previous = _read_manifest(out)
        jobs, manifest = [], []
        for values in briefings:
            entry = {"parameters": values, "output": output_name(values),
                     "input_checksum": input_checksum(ds, values)}
            old = previous.get(entry["output"])
            if (not force and old and old["status"] in ("ok", "skipped")
                    and old["input_checksum"] == entry["input_checksum"]
                    and (out / entry["output"]).exists()
                    and (not pptx or (out / entry["output"]).with_suffix(".pptx").exists())):
                manifest.append({**entry, "status": "skipped", "seconds": 0.0})
            else:
                jobs.append(entry)
        batch = scratch.make("batch")  # shared charts and the workers' started-job markers
        try:
            with tqdm(total=len(jobs), desc="briefings", unit="briefing", disable=not progress,
                      file=sys.stderr) as bar:
                manifest += _render_jobs(jobs, workers, out, data, timeout, fresh_kernels, batch, bar, pptx)
        finally:
            scratch.remove(batch)
            scratch.remove_stale()  # the kernel folders of workers that died
        if pdf:
            _print_pdfs(manifest, out, progress)
        manifest.sort(key=lambda entry: entry["output"])
        write_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        index = write_atomic(out / "index.html", _index_page(manifest, ds))
    return BatchResult(manifest, index)


def _print_pdfs(manifest: list[dict], out: Path, progress: bool) -> None:
    """Print each rendered page whose PDF is missing or older than it, in one browser; a page that
    cannot be printed is recorded as failed."""
    from tqdm import tqdm

    from .pdf import PrintFailed, Printer

    pages = [e for e in manifest if e["status"] != "failed"]
    due = [e for e in pages if not _up_to_date(out / e["output"], (out / e["output"]).with_suffix(".pdf"))]
    with Printer() as printer, tqdm(total=len(due), desc="PDFs", unit="page", disable=not progress,
                                    file=sys.stderr) as bar:
        for entry in due:
            try:
                print_pdf(printer, out / entry["output"])
            except PrintFailed as error:  # one page failed, the others go on
                entry.update(status="failed", error=str(error))
            bar.update()
    for entry in pages:
        if entry["status"] != "failed":
            entry["pdf"] = str(Path(entry["output"]).with_suffix(".pdf"))


def _up_to_date(page: Path, pdf: Path) -> bool:
    return pdf.exists() and pdf.stat().st_mtime_ns >= page.stat().st_mtime_ns


def _check_languages(languages) -> list[str]:
    try:
        return checks.choices("language", list(languages), LANGUAGES)
    except ValueError as error:
        raise BriefingParameterError(f"--lang: {error}") from None


def _render_jobs(jobs, workers, out, data, timeout, fresh_kernels, batch: Path, bar, pptx: bool) -> list[dict]:
    """Render ``jobs`` in a pool; a job whose worker died is failed, the others run again."""
    started = batch / "started"
    started.mkdir()
    charts = None if fresh_kernels else batch / "charts"
    if charts is not None:
        charts.mkdir()
    by_output = {job["output"]: job for job in jobs}
    entries, queue = [], _interleaved(jobs)
    while queue:
        broken = []
        with ProcessPoolExecutor(max_workers=min(workers, len(queue)), initializer=_worker_start,
                                 initargs=(os.getpid(), str(batch))) as pool:
            futures = {pool.submit(_worker_render, job["parameters"], out, data, timeout,
                                   charts and str(charts), str(started), pptx): job for job in queue}
            try:
                for future in as_completed(futures):
                    try:
                        entries.append({**futures[future], **future.result()})
                        bar.update()
                    except BrokenProcessPool:
                        broken.append(futures[future])
            except BaseException:
                for child in multiprocessing.active_children():
                    child.terminate()  # its kernel ends with it
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        # The pool has ended: a marker left behind is the job of a worker that died.
        markers = [marker for marker in started.iterdir() if marker.name.isdigit()]
        dead = [by_output[marker.read_text(encoding="utf-8")] for marker in markers]
        for leftover in started.iterdir():
            leftover.unlink()
        for job in dead or broken:
            problem = "the worker rendering it died" if dead else "the worker pool broke"
            entries.append({**job, "status": "failed", "error": f"{job['output']}: {problem}",
                            "seconds": 0.0})
            bar.update()
        queue = [job for job in broken if dead and job not in dead]
    return entries


def _interleaved(jobs: list[dict]) -> list[dict]:
    """The jobs language by language, diagonal by diagonal across the platform x region grid:
    neighbours differ in platform and mostly in region, so briefings that run at the same time
    seldom need the same chart (one would wait while the other draws it)."""
    languages = list(dict.fromkeys(job["parameters"].get("lang", "en") for job in jobs))
    platforms = list(dict.fromkeys(job["parameters"]["platform"] for job in jobs))
    regions = list(dict.fromkeys(job["parameters"]["region"] for job in jobs))

    def diagonal(job) -> tuple:
        platform = platforms.index(job["parameters"]["platform"])
        return (languages.index(job["parameters"].get("lang", "en")),
                (regions.index(job["parameters"]["region"]) - platform) % len(regions), platform)

    return sorted(jobs, key=diagonal)


# --- in a batch worker process -----------------------------------------------------------------

_worker_kernel = []  # its warm kernel, once started
_worker_job: dict = {}  # the marker file of the job it is rendering, if any
_worker_data: list = []  # the dataset, once loaded (for the decks)


def _worker_start(parent: int, batch: str) -> None:
    """Make the worker end with its parent: on SIGTERM, and when the parent is gone (checked
    twice a second), it kills its kernel, removes its folders and exits."""
    from .kernel import abandon_all

    def end(*_):
        abandon_all()
        scratch.remove_own()
        if "marker" in _worker_job:
            Path(_worker_job["marker"]).unlink(missing_ok=True)  # not a death: run it again
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        shutil.rmtree(batch, ignore_errors=True)
        _worker_job.clear()
        end()

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt ends
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_render(values: dict, out: Path, data, timeout: float, charts: str | None,
                   started: str, pptx: bool = False) -> dict:
    """Render one briefing in a worker process (with ``pptx``, its deck too); its status entry.

    With a ``charts`` folder, in the worker's warm kernel, which shares the charts it draws
    there with the other workers; without, in a new kernel. While it runs, a marker file in
    ``started`` names it: left behind, it tells the parent which briefing a dead worker had.
    """
    marker = Path(started) / str(os.getpid())
    write_atomic(marker, output_name(values))
    _worker_job["marker"] = marker
    if charts is not None and not _worker_kernel:
        from .kernel import WarmKernel

        kernel = WarmKernel(TEMPLATE.parent, preload=PRELOAD, startup_timeout=START_TIMEOUT,
                            setup=share_with_kernel(charts))
        util.Finalize(None, kernel.close, exitpriority=10)  # when the worker exits
        _worker_kernel.append(kernel)
    start = time.perf_counter()
    try:
        page = render_in(values, out, data, _worker_kernel[0] if charts is not None else None, timeout)
        if pptx:
            from .deck import write_deck
            if not _worker_data:
                _worker_data.append(load(data))
            write_deck(_worker_data[0], values, page)
        status = {"status": "ok"}
    except BriefingFailed as error:
        status = {"status": "failed", "error": str(error), "executed_notebook": str(error.executed)}
    finally:
        _worker_job.clear()
        marker.unlink(missing_ok=True)
    return {**status, "seconds": round(time.perf_counter() - start, 2)}


def _read_manifest(out: Path) -> dict:
    try:
        entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {entry["output"]: entry for entry in entries}
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return {}


def _index_page(manifest: list[dict], ds: Dataset) -> str:
    from .export import page

    rows = []
    for entry in manifest:
        values = entry["parameters"]
        link = (f'<a href="{escape(entry["output"], quote=True)}">{escape(entry["output"])}</a>'
                if entry["status"] != "failed" else escape(entry["output"]))
        if "pdf" in entry:
            link += f' (<a href="{escape(entry["pdf"], quote=True)}">PDF</a>)'
        status = (f'<span class="failed">failed</span>: {escape(entry.get("executed_notebook", ""))}'
                  if entry["status"] == "failed" else escape(entry["status"]))
        rows.append(f"<tr><td>{link}</td><td>{escape(values['platform'])}</td>"
                    f"<td>{escape(values['region'] or 'all regions')}</td><td>{escape(values['as_of'])}</td>"
                    f"<td>{escape(label('language:' + values.get('lang', 'en')))}</td><td>{status}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("briefing", "platform", "region", "as of", "language", "status"))
    body = (f"<h1>Messaging monetization briefings</h1><p>{len(manifest)} briefings; data up to "
            f"{ds.latest.date()}; dataset sha256 {ds.checksum[:16]}…; analysis {escape(__version__)}.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return page("Briefings", body)
