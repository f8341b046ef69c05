"""Briefings: typed parameters, papermill runs, HTML export, the batch with manifest and index, the CLI."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
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

from . import __version__, checks, scratch, stages
from .data import DATA_DIR, Dataset, load
from .files import FolderBusy, folder_lock, remove_temporaries, replaced_atomically, write_atomic
from .params import PARAMETERS, BriefingParameterError, validate
from .schema import REGIONS

TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "briefing.ipynb"
EXECUTED = ".executed"  # sub-folder of the output folder that keeps executed notebooks
PRELOAD = ("analysis.report", "analysis.charts", "matplotlib.pyplot", "IPython.display")
TIMEOUT = 300  # seconds a briefing may take before it is stopped
START_TIMEOUT = 60  # seconds a new kernel may take to start
WORKERS_PER_CORE = 2  # the most batch workers per core this process may run on


class BriefingFailed(RuntimeError):
    """The briefing notebook failed; ``executed`` is the executed notebook kept for inspection."""

    def __init__(self, message: str, executed: Path):
        super().__init__(f"{message} (executed notebook: {executed})")
        self.executed = executed


def output_name(values: dict) -> str:
    """The file name of a briefing: platform, region (or 'all-regions') and date."""
    region = (values["region"] or "all regions").lower().replace(" & ", "-").replace(" ", "-")
    return f"{values['platform'].lower()}--{region}--{values['as_of']}.html"


def input_checksum(ds: Dataset, values: dict) -> str:
    """What a briefing depends on: the data, the template, the package version, the parameters."""
    digest = hashlib.sha256()
    for part in (ds.checksum, TEMPLATE.read_bytes().hex(), __version__, json.dumps(values, sort_keys=True)):
        digest.update(part.encode())
    return digest.hexdigest()


def render_briefing(platform: str, region: str | None = None, as_of=None, *, out="reports",
                    data: str | Path | None = None, ds: Dataset | None = None,
                    timeout: float = TIMEOUT) -> Path:
    """Render one briefing to ``out/<name>.html``.

    Parameters
    ----------
    platform, region, as_of
        The briefing parameters (see ``PARAMETERS``); checked before anything starts.
    out : str or Path
        The output folder; the executed notebook is kept in ``out/.executed/``.
    data : str or Path, optional
        Another data folder (default: the project's ``data/``).
    ds : Dataset, optional
        The already loaded data of ``data``.
    timeout : float
        Seconds the notebook may run before it is stopped.

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    BriefingParameterError
        Bad parameters: nothing started, nothing written.
    BriefingFailed
        The notebook failed or timed out; the HTML is not written, the executed notebook is kept.
    FolderBusy
        Another run holds the output folder's lock: nothing started, nothing written.
    """
    from .kernel import WarmKernel

    ds = ds if ds is not None else load(data)
    values = validate(ds, {"platform": platform, "region": region, "as_of": as_of})
    out = check_output_folder(out, [output_name(values)])
    check_timeout(timeout)
    with folder_lock(out):
        scratch.remove_stale()
        with WarmKernel(TEMPLATE.parent, preload=PRELOAD, startup_timeout=START_TIMEOUT) as kernel:
            return _render(values, out, data, kernel, timeout)


def check_output_folder(out, names) -> Path:
    """Refuse an output folder that briefings named ``names`` cannot be written to.

    Raises
    ------
    BriefingParameterError
        ``out`` or a folder above it is a file, is not writable, or a path would be too long.
    """
    out = Path(out)
    existing = next(p for p in (out.absolute(), *out.absolute().parents) if os.path.lexists(p))
    if not existing.is_dir():
        what = "is" if existing == out.absolute() else f"is inside {existing}, which is"
        raise BriefingParameterError(f"--out {out} {what} not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BriefingParameterError(f"--out {out}: {existing} is not writable")
    longest_name = max(len(name.encode()) for name in names) + len(".ipynb")
    name_max = os.pathconf(existing, "PC_NAME_MAX")
    for part in (*out.absolute().parts, "x" * longest_name):
        if len(part.encode()) > name_max:
            raise BriefingParameterError(f"--out {out}: the name {part[:40]}... is longer than the "
                                         f"{name_max} bytes a file name may have here")
    longest_path = out.absolute() / EXECUTED / ("x" * longest_name)
    if len(str(longest_path).encode()) >= os.pathconf(existing, "PC_PATH_MAX"):
        raise BriefingParameterError(f"--out {out}: the path is too long for the files it would hold")
    return out


def check_timeout(timeout) -> float:
    """Refuse a time limit that is not a positive, finite number of seconds."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not (
            math.isfinite(timeout) and timeout > 0):
        raise BriefingParameterError(f"--timeout must be a finite number of seconds above 0, "
                                     f"got {timeout!r}")
    return float(timeout)


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


def _render(values: dict, out: Path, data, kernel, timeout: float) -> Path:
    """Run the template in ``kernel`` (a WarmKernel), or in a new kernel if it is None; export it."""
    import papermill  # heavy: only where a notebook is run
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .export import to_html
    from .kernel import KERNEL_MANAGER, KernelFailure
    from .words import title

    name = output_name(values)
    executed = out / EXECUTED / name.replace(".html", ".ipynb")
    parameters = {**values, "data": str(data) if data else None}
    with replaced_atomically(executed) as written:
        try:
            if kernel is not None:
                notebook = kernel.run(TEMPLATE, written, parameters, timeout=timeout)
            else:
                notebook = papermill.execute_notebook(
                    str(TEMPLATE), str(written), parameters=parameters, kernel_name="python3",
                    kernel_manager_class=KERNEL_MANAGER, progress_bar=False,
                    cwd=str(TEMPLATE.parent), request_save_on_cell_execute=False,
                    execution_timeout=timeout, start_timeout=START_TIMEOUT,
                    shutdown_kernel="immediate")
        except papermill.PapermillExecutionError as error:
            raise BriefingFailed(f"{name}: {error.ename}: {error.evalue}", executed) from None
        except KernelFailure as error:
            raise BriefingFailed(f"{name}: {error}", executed) from None
        except CellTimeoutError:  # a new kernel's time limit is per cell
            raise BriefingFailed(f"{name}: a cell timed out after {timeout:g} s", executed) from None
        except DeadKernelError as error:
            raise BriefingFailed(f"{name}: the kernel failed: {error}", executed) from None
    page = to_html(notebook, title(values["platform"], values["region"], values["as_of"]))
    return write_atomic(out / name, page)


@dataclass
class BatchResult:
    """What a batch did: one manifest entry per briefing, and the index page."""

    manifest: list[dict]
    index: Path

    @property
    def failed(self) -> list[dict]:
        return [entry for entry in self.manifest if entry["status"] == "failed"]


def grid(ds: Dataset) -> list[dict]:
    """Every platform with stage data times every region focus (and none), as of the latest data."""
    as_of = str(ds.latest.date())
    return [validate(ds, {"platform": p, "region": r, "as_of": as_of})
            for p in stages.platforms_with_stages(ds) for r in (None, *REGIONS)]


def render_all(out="reports", *, workers: int | None = None, force: bool = False,
               data: str | Path | None = None, progress: bool = True, timeout: float = TIMEOUT,
               fresh_kernels: bool = False) -> BatchResult:
    """Render the whole grid with a pool of workers; write ``manifest.json`` and ``index.html``.

    Each worker keeps one warm kernel; the workers draw each chart the briefings share once
    and pass it on through a temporary folder. With ``fresh_kernels`` every briefing
    gets a new kernel instead: slower, and the same pages. Briefings whose inputs are unchanged
    since the last run are skipped unless ``force``. A briefing that fails, passes ``timeout``
    seconds or whose worker dies is recorded as failed; the others still finish. Workers and
    their kernels end with the process that started them, however it ends.

    Returns
    -------
    BatchResult

    Raises
    ------
    BriefingParameterError
        ``workers`` outside 1 to ``max_workers()``, a bad ``timeout`` or output folder.
    FolderBusy
        Another run holds the output folder's lock.
    """
    from tqdm import tqdm

    ds = load(data)
    workers = check_workers(workers)
    check_timeout(timeout)
    briefings = grid(ds)
    out = check_output_folder(out, [output_name(values) for values in briefings])
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
                    and (out / entry["output"]).exists()):
                manifest.append({**entry, "status": "skipped", "seconds": 0.0})
            else:
                jobs.append(entry)
        batch = scratch.make("batch")  # shared charts and the workers' started-job markers
        try:
            with tqdm(total=len(jobs), desc="briefings", unit="briefing", disable=not progress,
                      file=sys.stderr) as bar:
                manifest += _render_jobs(jobs, workers, out, data, timeout, fresh_kernels, batch, bar)
        finally:
            scratch.remove(batch)
            scratch.remove_stale()  # the kernel folders of workers that died
        manifest.sort(key=lambda entry: entry["output"])
        write_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
        index = write_atomic(out / "index.html", _index_page(manifest, ds))
    return BatchResult(manifest, index)


def _render_jobs(jobs, workers, out, data, timeout, fresh_kernels, batch: Path, bar) -> list[dict]:
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
                                   charts and str(charts), str(started)): job for job in queue}
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
    """The jobs diagonal by diagonal across the platform x region grid: neighbours differ in
    platform and mostly in region, so briefings that run at the same time seldom need the same
    chart (one would wait while the other draws it)."""
    platforms = list(dict.fromkeys(job["parameters"]["platform"] for job in jobs))
    regions = list(dict.fromkeys(job["parameters"]["region"] for job in jobs))

    def diagonal(job) -> tuple:
        platform = platforms.index(job["parameters"]["platform"])
        return (regions.index(job["parameters"]["region"]) - platform) % len(regions), platform

    return sorted(jobs, key=diagonal)


# --- in a batch worker process -----------------------------------------------------------------

_worker_kernel = []  # its warm kernel, once started
_worker_job: dict = {}  # the marker file of the job it is rendering, if any


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
                   started: str) -> dict:
    """Render one briefing in a worker process; its status entry.

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
                            setup=f"import analysis.report; analysis.report.share_charts({charts!r})")
        util.Finalize(None, kernel.close, exitpriority=10)  # when the worker exits
        _worker_kernel.append(kernel)
    start = time.perf_counter()
    try:
        _render(values, out, data, _worker_kernel[0] if charts is not None else None, timeout)
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
        status = (f'<span class="failed">failed</span>: {escape(entry.get("executed_notebook", ""))}'
                  if entry["status"] == "failed" else escape(entry["status"]))
        rows.append(f"<tr><td>{link}</td><td>{escape(values['platform'])}</td>"
                    f"<td>{escape(values['region'] or 'all regions')}</td><td>{escape(values['as_of'])}</td>"
                    f"<td>{status}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("briefing", "platform", "region", "as of", "status"))
    body = (f"<h1>Messaging monetization briefings</h1><p>{len(manifest)} briefings; data up to "
            f"{ds.latest.date()}; dataset sha256 {ds.checksum[:16]}…; analysis {escape(__version__)}.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return page("Briefings", body)


# --- command line ----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong, and where to look."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


class _Once(argparse.Action):
    """Store an option's value (or True for a flag, nargs=0); refuse it given twice."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = vars(namespace).setdefault("given_options", set())
        if self.dest in given:
            parser.error(f"{option_string} is given twice")
        given.add(self.dest)
        setattr(namespace, self.dest, True if self.nargs == 0 else values)


def _parser(ds: Dataset) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefing", description="Render messaging monetization briefings as self-contained HTML.",
        allow_abbrev=False,  # --data is read before parsing; an abbreviation must not slip past
        epilog="Exit status: 0 done; 2 nothing started (bad parameters, or the output folder is busy), "
               "nothing written; 1 a notebook failed.")
    for parameter in PARAMETERS:
        valid = parameter.valid(ds)
        shown = (f"from {valid[0]} to {valid[1]}" if parameter.type == "date"
                 else "one of: " + ", ".join(valid))
        parser.add_argument(f"--{parameter.name.replace('_', '-')}", dest=parameter.name, action=_Once,
                            help=f"{parameter.help}; {shown}")
    flag = {"action": _Once, "nargs": 0, "default": False}
    parser.add_argument("--all", **flag,
                        help="render every platform x region focus, as of the latest data, and index.html")
    parser.add_argument("--out", action=_Once, default="reports", help="output folder (default: reports)")
    parser.add_argument("--workers", action=_Once, type=int, default=None,
                        help=f"parallel workers for --all, 1 to {max_workers()} (twice the cores; "
                             "default: the number of cores)")
    parser.add_argument("--force", **flag, help="with --all, re-render up-to-date briefings")
    parser.add_argument("--timeout", action=_Once, type=float, default=TIMEOUT,
                        help=f"seconds a briefing may run before it is stopped (default: {TIMEOUT}; "
                             "with --fresh-kernels, seconds per cell)")
    parser.add_argument("--fresh-kernels", **flag,
                        help="with --all, start a new kernel for every briefing (slower; same pages)")
    parser.add_argument("--data", action=_Once, default=None, help=f"data folder (default: {DATA_DIR})")
    return parser


def main(argv=None) -> int:
    """The ``briefing`` command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    data = _data_argument(argv)
    try:
        ds = load(data)
    except ValueError as error:
        print(f"briefing: {error}", file=sys.stderr)
        return 2
    args = _parser(ds).parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if args.all:
            if args.platform or args.region or args.as_of:
                raise BriefingParameterError("--all renders the whole grid; drop --platform, --region "
                                             "and --as-of")
            result = render_all(args.out, workers=args.workers, force=args.force, data=data,
                                timeout=args.timeout, fresh_kernels=args.fresh_kernels)
            for entry in result.failed:
                print(f"briefing: failed: {entry['output']}: {entry['error']}", file=sys.stderr)
            print(result.index)
            return 1 if result.failed else 0
        if not args.platform:
            raise BriefingParameterError("give --platform (see --help) or --all")
        for option in ("workers", "force", "fresh_kernels"):
            if option in getattr(args, "given_options", ()):
                raise BriefingParameterError(f"--{option.replace('_', '-')} works with --all only")
        print(render_briefing(args.platform, args.region, args.as_of, out=args.out, data=data, ds=ds,
                              timeout=args.timeout))
        return 0
    except (BriefingParameterError, FolderBusy) as error:
        print(f"briefing: {error}", file=sys.stderr)
        return 2
    except BriefingFailed as error:
        print(f"briefing: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, say: what was written before is kept
        print(f"briefing: could not write the briefing: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("briefing: interrupted; earlier briefings are kept, no partial file written",
              file=sys.stderr)
        return 130


def _data_argument(argv) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--data" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--data="):
            return arg.split("=", 1)[1]
    return None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
