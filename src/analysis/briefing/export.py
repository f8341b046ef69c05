"""Executed notebook to one self-contained HTML page: no code, no parameters, no stderr, a table of contents."""

from __future__ import annotations

import re
from functools import cache
from html import escape
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from ..labels import label
from ..templating import bytecode_cache

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)(?:<a class="anchor-link"|</h2>)')
_OUTPUT_DIV = re.compile(r'(<div class="[^"<>]*\bjp-OutputArea-output\b[^"<>]*")')


class DropNoise(Preprocessor):
    """Remove stderr streams, warnings and error outputs: a briefing never shows a traceback."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if o.output_type != "error"
                            and not (o.output_type == "stream" and o.name == "stderr")]
        return cell, resources


def to_html(notebook: nbformat.NotebookNode, title: str, lang: str = "en") -> str:
    """Render an executed notebook as the briefing page.

    Parameters
    ----------
    notebook : NotebookNode
        An executed notebook (papermill's output).
    title : str
        The page title.
    lang : {"en", "de"}
        The page's language: its ``lang`` attribute and the contents' heading.

    Returns
    -------
    str
        The HTML page, with a table of contents after the first heading.
    """
    notebook = nbformat.from_dict(notebook)
    notebook.metadata["title"] = title
    html, _ = _exporter().from_notebook_node(notebook, resources={"language_code": lang})
    return _add_contents(html, label("contents", lang))


def warm() -> None:
    """Compile the page's templates now (about 50 ms), while a notebook runs, rather than for its page."""
    _exporter().from_notebook_node(nbformat.v4.new_notebook())


class _BriefingExporter(HTMLExporter):
    """HTMLExporter without its last pass, which parses the whole page again with BeautifulSoup
    to add alt text to images (our template writes it) and tabindex to outputs (added here by
    one substitution): on a briefing that pass costs more than the rest of the export."""

    def _init_resources(self, resources):
        """The resources, keeping the page's language code where one is given."""
        language = (resources or {}).get("language_code", self.language_code)
        resources = super()._init_resources(resources)
        resources["language_code"] = language
        return resources

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="python", parent=self))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _OUTPUT_DIV.sub(r'\1 tabindex="0"', html), resources

    def _create_environment(self):
        """nbconvert's template environment, keeping its compiled templates between processes."""
        environment = super()._create_environment()
        environment.bytecode_cache = bytecode_cache()
        return environment

    def _validate_preprocessor(self, nbc, preprocessor):
        """Skip validating the notebook after every preprocessor: papermill validated it when it
        wrote it, and the preprocessors here only remove cells and outputs."""


@cache
def _exporter() -> HTMLExporter:
    """One exporter per process: it compiles its templates on first use and keeps them."""
    exporter = _BriefingExporter(template_name="briefing", extra_template_basedirs=[str(TEMPLATES)],
                                 exclude_input=True, exclude_input_prompt=True,
                                 exclude_output_prompt=True)
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters", "notebook-only"}), enabled=True)
    exporter.register_preprocessor(DropNoise(), enabled=True)
    return exporter


def _add_contents(html: str, heading: str) -> str:
    links = "".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in _HEADING.findall(html))
    nav = f'<nav class="toc"><h4>{escape(heading)}</h4><ol>{links}</ol></nav>'
    return html.replace("</h1>", "</h1>" + nav, 1) if "</h1>" in html else nav + html


def page(title: str, body: str) -> str:
    """A minimal self-contained HTML page (used for the index)."""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;"
            "text-align:left}.failed{color:#B71C1C;font-weight:600}</style></head>"
            f"<body>{body}</body></html>\n")
