"""The ``briefing`` command's options: a thin layer over ``run`` and ``batch`` (see ``command``)."""

from __future__ import annotations

import argparse
import signal
import sys

from ..data import DATA_DIR, Dataset, load
from ..files import FolderBusy
from ..params import PARAMETERS, BriefingParameterError
from ..schema import LANGUAGES
from .batch import max_workers, render_all
from .pdf import PrintFailed
from .run import TIMEOUT, BriefingFailed, render_briefing


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
        epilog="Exit status: 0 done; 2 nothing written and no process left (bad parameters, or the "
               "output folder is busy); 1 a notebook failed.")
    for parameter in PARAMETERS:
        valid = parameter.valid(ds)
        shown = (f"from {valid[0]} to {valid[1]}" if parameter.type == "date"
                 else "one of: " + ", ".join(valid))
        parser.add_argument(f"--{parameter.name.replace('_', '-')}", dest=parameter.name, action=_Once,
                            help=f"{parameter.help}; {shown}")
    flag = {"action": _Once, "nargs": 0, "default": False}
    parser.add_argument("--all", **flag,
                        help="render every platform x region focus in every language (or only --lang), as of "
                             "the latest data, and index.html")
    parser.add_argument("--out", action=_Once, default="reports", help="output folder (default: reports)")
    parser.add_argument("--workers", action=_Once, type=int, default=None,
                        help=f"parallel workers for --all, 1 to {max_workers()} (twice the cores; "
                             "default: the number of cores)")
    parser.add_argument("--force", **flag, help="with --all, re-render up-to-date briefings")
    parser.add_argument("--pdf", **flag, help="also print each page to an A4 PDF beside it (needs Chromium "
                                              "and chromedriver)")
    parser.add_argument("--pptx", **flag, help="also write a 16:9 PowerPoint deck beside each page, and its "
                                               "charts as PNG and SVG in <page>-charts/")
    parser.add_argument("--timeout", action=_Once, type=float, default=TIMEOUT,
                        help=f"seconds a briefing may run before it is stopped (default: {TIMEOUT}; "
                             "with --fresh-kernels, seconds per cell)")
    parser.add_argument("--fresh-kernels", **flag,
                        help="with --all, give every briefing a new kernel, forked from a process that has "
                             "imported the libraries and run nothing (slower; same pages)")
    parser.add_argument("--data", action=_Once, default=None, help=f"data folder (default: {DATA_DIR})")
    return parser


def main(argv=None, *, kernel=None) -> int:
    """The ``briefing`` command; returns the exit status. ``kernel``: one launched for a single
    briefing (see ``run.render_briefing``), or None."""
    argv = sys.argv[1:] if argv is None else argv
    data = _data_argument(argv)
    try:
        ds = load(data)
    except ValueError as error:
        print(f"briefing: {error}", file=sys.stderr)
        return 2
    args = _parser(ds).parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a SIGTERM ends the run as Ctrl-C does
    try:
        if args.all:
            if args.platform or args.region or args.country or args.as_of or args.reading:
                raise BriefingParameterError("--all renders the whole grid; drop --platform, --region, "
                                             "--country, --as-of and --reading")
            result = render_all(args.out, workers=args.workers, force=args.force, data=data,
                                timeout=args.timeout, fresh_kernels=args.fresh_kernels,
                                languages=[args.lang] if args.lang else LANGUAGES, pdf=args.pdf, pptx=args.pptx)
            for entry in result.failed:
                print(f"briefing: failed: {entry['output']}: {entry['error']}", file=sys.stderr)
            print(result.index)
            return 1 if result.failed else 0
        if not args.platform:
            raise BriefingParameterError("give --platform (see --help) or --all")
        for option in ("workers", "force", "fresh_kernels"):
            if option in getattr(args, "given_options", ()):
                raise BriefingParameterError(f"--{option.replace('_', '-')} works with --all only")
        page = render_briefing(args.platform, args.region, args.as_of, args.lang or "en", out=args.out,
                               country=args.country, reading=args.reading, data=data, ds=ds, timeout=args.timeout,
                               pdf=args.pdf, pptx=args.pptx, kernel=kernel)
        print(page)
        for wanted, suffix in ((args.pdf, ".pdf"), (args.pptx, ".pptx")):
            if wanted:
                print(page.with_suffix(suffix))
        return 0
    except (BriefingParameterError, FolderBusy) as error:
        print(f"briefing: {error}", file=sys.stderr)
        return 2
    except (BriefingFailed, PrintFailed) as error:
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
