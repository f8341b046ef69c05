"""Briefings: typed parameters, papermill runs, HTML export, the batch with manifest and index, the CLI."""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from html import escape
from multiprocessing import util
from pathlib import Path

from . import __version__, checks, stages
from .data import DATA_DIR, Dataset, load
from .files import remove_temporaries, write_atomic
from .schema import REGIONS

TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "briefing.ipynb"
EXECUTED = ".executed"  # sub-folder of the output folder that keeps executed notebooks
PRELOAD = ("analysis.report", "analysis.charts", "matplotlib.pyplot", "IPython.display")
TIMEOUT = 300  # seconds a briefing may take before it is stopped


class BriefingParameterError(ValueError):
    """A parameter the briefing cannot be rendered with; nothing was started or written."""


class BriefingFailed(RuntimeError):
    """The briefing notebook failed; ``executed`` is the executed notebook kept for inspection."""

    def __init__(self, message: str, executed: Path):
        super().__init__(f"{message} (executed notebook: {executed})")
        self.executed = executed


@dataclass(frozen=True)
class Parameter:
    """One briefing parameter: its name, type, default and, given the data, its valid values."""

    name: str
    type: str  # "platform", "region" or "date"
    default: str | None
    help: str

    def valid(self, ds: Dataset) -> list[str] | tuple[str, str]:
        """Valid values (a list), or for a date the covered (first, last) range."""
        if self.type == "platform":
            return stages.platforms_with_stages(ds)
        if self.type == "region":
            return list(REGIONS)
        return str(ds.earliest.date()), str(ds.latest.date())


PARAMETERS = (
    Parameter("platform", "platform", "WhatsApp", "the platform the briefing is about"),
    Parameter("region", "region", None, "a region to highlight (default: none)"),
    Parameter("as_of", "date", None, "the date of the briefing, YYYY-MM-DD (default: the end of the data)"),
)
_BY_NAME = {p.name: p for p in PARAMETERS}


def validate(ds: Dataset, values: dict) -> dict:
    """Check briefing parameters against the data before any kernel starts.

    Parameters
    ----------
    ds : Dataset
    values : dict
        Parameter names to values; missing or None ones take their defaults.

    Returns
    -------
    dict
        ``platform``, ``region`` (or None) and ``as_of`` as ``YYYY-MM-DD``.

    Raises
    ------
    BriefingParameterError
        Unknown name, wrong type, a value not in the data (with a "did you mean"), a date
        outside the data or before the platform's launch.
    """
    for name in values:
        if name not in _BY_NAME:
            close = difflib.get_close_matches(name, list(_BY_NAME), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise BriefingParameterError(f"unknown parameter {name!r}{hint}; parameters: "
                                         f"{', '.join(_BY_NAME)}")
    result = {}
    for parameter in PARAMETERS:
        value = values.get(parameter.name)
        if value is None:
            value = parameter.default
        if value is None:
            result[parameter.name] = None
            continue
        if not isinstance(value, str) and not (parameter.type == "date" and hasattr(value, "year")):
            raise BriefingParameterError(f"parameter {parameter.name!r} must be text, got "
                                         f"{type(value).__name__} {value!r}")
        try:
            if parameter.type == "date":
                first, last = parameter.valid(ds)
                when = checks.timestamp("date", value)
                checks.within("date", when, checks.timestamp("first", first),
                              checks.timestamp("last", last), "the briefings")
                result[parameter.name] = str(when.date())
            else:
                result[parameter.name] = checks.choice(parameter.type, value, parameter.valid(ds))
        except ValueError as error:
            raise BriefingParameterError(f"parameter {parameter.name!r}: {error}") from None
    launched = ds.platforms.set_index("platform").loc[result["platform"], "launched"]
    as_of = result["as_of"] or str(ds.latest.date())
    if as_of < str(launched.date()):
        raise BriefingParameterError(f"parameter 'as_of': {as_of} is before {result['platform']} "
                                     f"launched ({launched.date()})")
    result["as_of"] = as_of
    return result


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
    """
    from .kernel import WarmKernel

    ds = ds if ds is not None else load(data)
    values = validate(ds, {"platform": platform, "region": region, "as_of": as_of})
    with WarmKernel(TEMPLATE.parent, preload=PRELOAD) as kernel:
        return _render(values, Path(out), data, kernel, timeout)


def _render(values: dict, out: Path, data, kernel, timeout: float) -> Path:
    """Run the template in ``kernel`` (a WarmKernel), or in a new kernel if it is None; export it."""
    import papermill  # heavy: only where a notebook is run
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .export import to_html
    from .kernel import KernelFailure
    from .report import Briefing

    name = output_name(values)
    executed = out / EXECUTED / name.replace(".html", ".ipynb")
    executed.parent.mkdir(parents=True, exist_ok=True)
    parameters = {**values, "data": str(data) if data else None}
    try:
        if kernel is not None:
            notebook = kernel.run(TEMPLATE, executed, parameters, timeout=timeout)
        else:
            notebook = papermill.execute_notebook(
                str(TEMPLATE), str(executed), parameters=parameters, kernel_name="python3",
                progress_bar=False, cwd=str(TEMPLATE.parent), request_save_on_cell_execute=False,
                execution_timeout=timeout, shutdown_kernel="immediate")
    except papermill.PapermillExecutionError as error:
        raise BriefingFailed(f"{name}: {error.ename}: {error.evalue}", executed) from None
    except KernelFailure as error:
        raise BriefingFailed(f"{name}: {error}", executed) from None
    except CellTimeoutError:  # a new kernel's time limit is per cell
        raise BriefingFailed(f"{name}: a cell timed out after {timeout:g} s", executed) from None
    except DeadKernelError as error:
        raise BriefingFailed(f"{name}: the kernel failed: {error}", executed) from None
    title = Briefing.title_for(values["platform"], values["region"], values["as_of"])
    return write_atomic(out / name, to_html(notebook, title))


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
    since the last run are skipped unless ``force``. A briefing that fails or passes
    ``timeout`` seconds is recorded with its executed notebook; the others still finish.

    Returns
    -------
    BatchResult
    """
    from tqdm import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    remove_temporaries(out)
    ds = load(data)
    previous = _read_manifest(out)
    jobs, manifest = [], []
    for values in grid(ds):
        entry = {"parameters": values, "output": output_name(values),
                 "input_checksum": input_checksum(ds, values)}
        old = previous.get(entry["output"])
        if (not force and old and old["status"] in ("ok", "skipped")
                and old["input_checksum"] == entry["input_checksum"] and (out / entry["output"]).exists()):
            manifest.append({**entry, "status": "skipped", "seconds": 0.0})
        else:
            jobs.append(entry)
    workers = workers or os.cpu_count() or 1
    charts = tempfile.mkdtemp(prefix="analysis-charts-")  # the warm kernels share charts here
    with tqdm(total=len(jobs), desc="briefings", unit="briefing", disable=not progress,
              file=sys.stderr) as bar, ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_worker_render, job["parameters"], out, data, timeout,
                               None if fresh_kernels else charts): job for job in _interleaved(jobs)}
        try:
            for future in as_completed(futures):
                manifest.append({**futures[future], **future.result()})
                bar.update()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            remove_temporaries(out)
            raise
        finally:
            shutil.rmtree(charts, ignore_errors=True)
    manifest.sort(key=lambda entry: entry["output"])
    write_atomic(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    index = write_atomic(out / "index.html", _index_page(manifest, ds))
    return BatchResult(manifest, index)


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


_worker_kernel = []  # in a batch worker process: its warm kernel, once started


def _worker_render(values: dict, out: Path, data, timeout: float, charts: str | None) -> dict:
    """Render one briefing in a worker process; its status entry.

    With a ``charts`` folder, in the worker's warm kernel, which shares the charts it draws
    there with the other workers; without, in a new kernel.
    """
    if charts is not None and not _worker_kernel:
        from .kernel import WarmKernel

        kernel = WarmKernel(TEMPLATE.parent, preload=PRELOAD,
                            setup=f"import analysis.report; analysis.report.share_charts({charts!r})")
        util.Finalize(None, kernel.close, exitpriority=10)  # when the worker exits
        _worker_kernel.append(kernel)
    start = time.perf_counter()
    try:
        _render(values, out, data, _worker_kernel[0] if charts is not None else None, timeout)
        status = {"status": "ok"}
    except BriefingFailed as error:
        status = {"status": "failed", "error": str(error), "executed_notebook": str(error.executed)}
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


def _parser(ds: Dataset) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing", description="Render messaging monetization briefings as self-contained HTML.",
        allow_abbrev=False,  # --data is read before parsing; an abbreviation must not slip past
        epilog="Exit status: 0 done, 2 bad parameters (nothing written), 1 a notebook failed.")
    for parameter in PARAMETERS:
        valid = parameter.valid(ds)
        shown = (f"from {valid[0]} to {valid[1]}" if parameter.type == "date"
                 else "one of: " + ", ".join(valid))
        parser.add_argument(f"--{parameter.name.replace('_', '-')}", dest=parameter.name,
                            help=f"{parameter.help}; {shown}")
    parser.add_argument("--all", action="store_true",
                        help="render every platform x region focus, as of the latest data, and index.html")
    parser.add_argument("--out", default="reports", help="output folder (default: reports)")
    parser.add_argument("--workers", type=int, default=None,
                        help="parallel workers for --all (default: the number of cores)")
    parser.add_argument("--force", action="store_true", help="with --all, re-render up-to-date briefings")
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help=f"seconds a briefing may run before it is stopped (default: {TIMEOUT}; "
                             "with --fresh-kernels, seconds per cell)")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="with --all, start a new kernel for every briefing (slower; same pages)")
    parser.add_argument("--data", default=None, help=f"data folder (default: {DATA_DIR})")
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
    if not args.timeout > 0:
        print(f"briefing: --timeout must be a number of seconds above 0, got {args.timeout:g}",
              file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if args.all:
            if args.platform or args.region or args.as_of:
                print("briefing: --all renders the whole grid; drop --platform, --region and --as-of",
                      file=sys.stderr)
                return 2
            if args.workers is not None and args.workers < 1:
                print("briefing: --workers must be at least 1", file=sys.stderr)
                return 2
            result = render_all(args.out, workers=args.workers, force=args.force, data=data,
                                timeout=args.timeout, fresh_kernels=args.fresh_kernels)
            for entry in result.failed:
                print(f"briefing: failed: {entry['output']}: {entry['error']}", file=sys.stderr)
            print(result.index)
            return 1 if result.failed else 0
        if not args.platform:
            print("briefing: give --platform (see --help) or --all", file=sys.stderr)
            return 2
        print(render_briefing(args.platform, args.region, args.as_of, out=args.out, data=data, ds=ds,
                              timeout=args.timeout))
        return 0
    except BriefingParameterError as error:
        print(f"briefing: {error}", file=sys.stderr)
        return 2
    except BriefingFailed as error:
        print(f"briefing: {error}", file=sys.stderr)
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
