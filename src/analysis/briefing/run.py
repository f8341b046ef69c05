"""One briefing: its name, the notebook run in a warm kernel (or a new one), the page written."""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import math
import os
import pickle
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import __version__, scratch
from ..data import Dataset, load
from ..files import folder_lock, replaced_atomically, write_atomic
from ..params import BriefingParameterError, validate
from .notebook import START_TIMEOUT, TEMPLATE, launch_kernel

EXECUTED = ".executed"  # sub-folder of the output folder that keeps executed notebooks
TIMEOUT = 300  # seconds a briefing may take before it is stopped


class BriefingFailed(RuntimeError):
    """The briefing notebook failed; ``executed`` is the executed notebook kept for inspection."""

    def __init__(self, message: str, executed: Path):
        super().__init__(f"{message} (executed notebook: {executed})")
        self.executed = executed


def output_name(values: dict) -> str:
    """The file name of a briefing: platform, region (or 'all-regions', or 'country-<code>'), date,
    a reading other than the default and, for a language other than English, its code:
    'whatsapp--europe--2026-06-03--in-app-ads--de.html'."""
    region = (values["region"] or "all regions").lower().replace(" & ", "-").replace(" ", "-")
    if values.get("country"):
        region = f"country-{values['country'].lower()}"
    reading = f"--{values['reading'].replace('_', '-')}" if values.get("reading") else ""
    language = "" if values.get("lang", "en") == "en" else f"--{values['lang']}"
    return f"{values['platform'].lower()}--{region}--{values['as_of']}{reading}{language}.html"


def input_checksum(ds: Dataset, values: dict) -> str:
    """What a briefing depends on: the data, the template, the package version, the parameters."""
    digest = hashlib.sha256()
    for part in (ds.checksum, TEMPLATE.read_bytes().hex(), __version__, json.dumps(values, sort_keys=True)):
        digest.update(part.encode())
    return digest.hexdigest()


def render_briefing(platform: str, region: str | None = None, as_of=None, lang: str = "en", *, out="reports",
                    country: str | None = None, reading: str | None = None, data: str | Path | None = None,
                    ds: Dataset | None = None,
                    timeout: float = TIMEOUT, pdf: bool = False, pptx: bool = False, kernel=None) -> Path:
    """Render one briefing to ``out/<name>.html`` (with ``pdf``, also ``.pdf``; with ``pptx``, ``.pptx``
    and its charts in ``<name>-charts/``).

    Parameters
    ----------
    platform, region, as_of, lang, country, reading
        The briefing parameters (see ``PARAMETERS``); checked before anything starts.
    out : str or Path
        The output folder; the executed notebook is kept in ``out/.executed/``.
    data : str or Path, optional
        Another data folder (default: the project's ``data/``).
    ds : Dataset, optional
        The already loaded data of ``data``.
    timeout : float
        Seconds the notebook may run before it is stopped.
    pdf : bool
        Also print the page to an A4 PDF beside it, in headless Chromium (started while the
        notebook runs, once the charts drawn ahead are done).
    pptx : bool
        Also write a 16:9 deck beside it, and its charts as PNG and SVG (see ``deck``).
    kernel : WarmKernel, optional
        A kernel from ``launch_kernel``, not yet ready, to run the notebook in; it is closed once
        the notebook has run. By default one is launched once the parameters are checked.

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    BriefingParameterError
        Bad parameters, or ``pdf`` without Chromium: nothing written, no kernel launched here.
    BriefingFailed
        The notebook failed or timed out; the HTML is not written, the executed notebook is kept.
    FolderBusy
        Another run holds the output folder's lock: nothing written, no kernel launched here.
    """
    ds = ds if ds is not None else load(data)
    values = validate(ds, {"platform": platform, "region": region, "country": country, "as_of": as_of,
                           "lang": lang, "reading": reading})
    out = check_output_folder(out, [output_name(values)])
    check_timeout(timeout)
    if pdf:
        from .pdf import tools
        tools()
    with folder_lock(out), ThreadPoolExecutor(max_workers=1) as starting:
        scratch.remove_stale()
        charts, done, printer = scratch.make("charts"), threading.Event(), None
        try:
            # While the kernel starts, this process imports what runs and exports the notebook, then
            # draws charts (see draw_ahead) and compiles the page's templates; the imports come
            # first, as a thread drawing beside them would slow both.
            kernel = kernel if kernel is not None else launch_kernel(TEMPLATE.parent)
            kernel.setup = share_with_kernel(charts, ds)  # run once the kernel is ready
            with kernel:
                importlib.import_module("papermill")
                from .export import warm
                drawing = threading.Thread(target=draw_ahead, args=(ds, values, charts, done),
                                           name="draw-ahead", daemon=True)
                drawing.start()
                printer = starting.submit(_printer, drawing) if pdf else None
                warm()
                try:
                    page = render_in(values, out, data, kernel, timeout)
                finally:
                    done.set()
                    drawing.join(timeout=START_TIMEOUT)
            if printer is not None:
                print_pdf(printer.result(timeout=START_TIMEOUT), page)
            if pptx:
                from .deck import write_deck
                write_deck(ds, values, page)
            return page
        finally:
            scratch.remove(charts)
            if printer is not None and printer.exception(timeout=START_TIMEOUT) is None:
                printer.result().close()


def share_with_kernel(folder, ds: Dataset | None = None) -> str:
    """The code that makes a kernel share ``folder`` with this process: its briefings leave their
    charts there and take them from it. With ``ds``, the kernel also takes ``ds`` as loaded
    (pickled into ``folder`` here), so its briefings neither read nor check the data files again
    (0.1 s); if ``ds`` cannot be written (a full disk), the kernel loads the data itself."""
    code = f"import analysis.briefing.chartcache; analysis.briefing.chartcache.CHARTS.share({str(folder)!r})"
    if ds is None:
        return code
    try:
        dataset = write_atomic(Path(folder) / "dataset.pickle", pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return code
    return (f"{code}; import pathlib, pickle, analysis.data; "
            f"analysis.data.remember(pickle.loads(pathlib.Path({str(dataset)!r}).read_bytes()))")


def draw_ahead(ds: Dataset, values: dict, folder, done: threading.Event) -> None:
    """Draw a briefing's charts into ``folder``, from the second one on and the first one last,
    until ``done``.

    The kernel running the briefing draws them from the first one on, sharing ``folder``: each
    chart is drawn once, by whichever gets to it first (see ``ChartCache``), on both cores. The
    kernel reaches its first chart before this process (which imports matplotlib first) has
    drawn one, so this process starts with the second. A chart that fails here is left to the
    kernel, which draws it again and reports the failure.
    """
    import matplotlib as mpl

    from ..style import theme_rc
    from .chartcache import ChartCache
    from .content import CHART_SECTIONS, Briefing

    try:
        briefing = Briefing(ds, cache=ChartCache(shared=folder), **values)
        with mpl.rc_context():
            mpl.rc_file_defaults()  # the settings a new kernel starts with, whatever was set here,
            mpl.rcParams.update(theme_rc())  # and those the briefing's setup cell applies
            for section in (*CHART_SECTIONS[1:], CHART_SECTIONS[0]):
                if done.is_set():
                    return
                briefing.chart(section)
    except Exception:  # the kernel draws what is missing, and reports its own errors
        return


def _printer(drawing: threading.Thread):
    """A Printer, started once ``drawing`` (the charts drawn ahead) has ended: started earlier,
    Chromium takes a core from the kernel and the drawing, which costs more than it saves."""
    drawing.join(timeout=START_TIMEOUT)
    from .pdf import Printer
    return Printer()


def print_pdf(printer, page: Path) -> Path:
    """The briefing ``page`` printed by ``printer`` to the PDF beside it, with the page's title."""
    return printer.print(page, page.with_suffix(".pdf"), page_title(page.read_text(encoding="utf-8")))


def page_title(page: str) -> str:
    """The title of a page (or an executed briefing's header), as text."""
    found = re.search(r"<title>(.*?)</title>", page, re.S) or re.search(r'<h1 class="title">(.*?)</h1>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


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


def render_in(values: dict, out: Path, data, kernel, timeout: float) -> Path:
    """Run the template in ``kernel`` (a WarmKernel), or in a new kernel (forked, see ``forked``) if
    it is None; export it."""
    import papermill  # heavy: only where a notebook is run
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .export import to_html
    from .forked import FORKING_MANAGER
    from .kernel import KernelFailure

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
                    kernel_manager_class=FORKING_MANAGER, progress_bar=False,
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
    header = "".join(str(output.get("data", {}).get("text/html", "")) for cell in notebook.cells
                     if cell.cell_type == "code" for output in cell.get("outputs", ()))
    page = to_html(notebook, page_title(header), values["lang"])  # the title the notebook's header gave
    return write_atomic(out / name, page)
