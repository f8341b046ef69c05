"""The briefing's content for one platform, region and date: HTML sections with every data text escaped."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import pickle
import time
from html import escape
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from . import __version__, charts, growth, peers, regions, rollouts, stages, style
from .briefing import validate
from .data import Dataset
from .files import write_atomic
from .schema import TABLES
from .style import format_date, format_users, format_value

_EVENT_COLUMNS = ("date", "event", "kind", "product", "regions")


class Chart:
    """A rendered chart: PNG bytes and a text alternative; Jupyter shows it as an image."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}

    def __repr__(self):
        return f"<Chart: {self.alt}>"


# Rendered charts by everything they are drawn from (see Briefing._chart): a chart that several
# briefings share is drawn once per process. The oldest are dropped beyond _CHARTS_KEPT.
_CHARTS: dict[tuple, Chart] = {}
_CHARTS_KEPT = 64
_SHARED: list[Path] = []  # the folder set by share_charts, if any
_SHARED_WAIT = 30  # seconds to wait for a chart another process is rendering


def share_charts(folder) -> None:
    """Also keep rendered charts in ``folder``, where other processes drawing the same charts
    (the workers of a batch) find them instead of drawing them again."""
    _SHARED[:] = [Path(folder)]


class Briefing:
    """Computes each section of a briefing and keeps the sources it cites, in order."""

    def __init__(self, ds: Dataset, platform: str, region: str | None = None, as_of=None):
        checked = validate(ds, {"platform": platform, "region": region, "as_of": as_of})
        self.ds, self.platform, self.region = ds, checked["platform"], checked["region"]
        self.as_of = pd.Timestamp(checked["as_of"])
        self.cited: list[str] = []
        self._content = _fingerprint(ds)

    # --- helpers -------------------------------------------------------------------------

    def _cite(self, source_ids) -> str:
        """Record sources; return their citation marks, e.g. '[1, 3]'."""
        numbers = []
        for source_id in source_ids:
            if source_id not in self.cited:
                self.cited.append(source_id)
            numbers.append(self.cited.index(source_id) + 1)
        numbers = sorted(set(numbers))
        return f'<sup class="cite">[{", ".join(map(str, numbers))}]</sup>' if numbers else ""

    @property
    def title(self) -> str:
        return self.title_for(self.platform, self.region, self.as_of)

    @staticmethod
    def title_for(platform: str, region: str | None, as_of) -> str:
        """'WhatsApp, Latin America: monetization briefing as of 28 Jan 2026'."""
        focus = f", {region}" if region else ""
        return f"{platform}{focus}: monetization briefing as of {format_date(as_of)}"

    def _chart(self, size: tuple, draw, *inputs) -> Chart:
        """Draw ``draw(ds, *inputs, ax=...)`` on a new figure, or reuse the identical chart drawn before.

        A chart is identified by the data's content, the drawing function, its inputs, the
        figure size and the matplotlib settings; the figure is not pyplot's, so nothing is left open.
        """
        key = (self._content, draw.__qualname__, inputs, size, _settings())
        chart = _CHARTS.get(key)
        if chart is None:
            render = functools.partial(self._render, size, draw, inputs)
            chart = _shared_chart(key, render) if _SHARED else render()
            if len(_CHARTS) >= _CHARTS_KEPT:
                del _CHARTS[next(iter(_CHARTS))]
            _CHARTS[key] = chart
        return chart

    def _render(self, size: tuple, draw, inputs: tuple) -> Chart:
        """The chart drawn on a new figure, as PNG, with its title and source note as text alternative."""
        figure = Figure(figsize=size)
        ax = figure.add_subplot()
        draw(self.ds, *inputs, ax=ax)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        note = style.find_source_note(ax)
        title = ax.get_title("left") or ax.get_title()
        return Chart(buffer.getvalue(), f"Chart: {title}. {note.get_text() if note else ''}".strip())

    # --- sections ------------------------------------------------------------------------

    def header(self) -> str:
        """The briefing's title line and the 'Parameters used' block."""
        rows = [("platform", self.platform), ("region", self.region or "all regions"),
                ("as of", format_date(self.as_of))]
        cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        return (f'<p class="subtitle">{escape(self.title)}</p>'
                f'<div class="parameters"><h4>Parameters used</h4><table>{cells}</table></div>')

    def standing(self) -> str:
        """Where the platform stands on the three-stage path, and since when."""
        entries = stages.stage_entries(self.ds, self.platform, as_of=self.as_of)
        current = entries.iloc[-1]
        items = []
        for row in entries.itertuples():
            users = f", with {format_users(row.mau_at_entry)}" if pd.notna(row.mau_at_entry) else ""
            items.append(f"<li>Stage {int(row.stage)} ({escape(row.stage_name.lower())}) from "
                         f"{format_date(row.started)}{users}: {escape(row.evidence)}"
                         f"{self._cite([row.source_id])}</li>")
        years = current["days_in_stage"] / 365.25
        return (f"<p><strong>{escape(self.platform)}</strong> is in <strong>stage "
                f"{int(current['stage'])}</strong> ({escape(current['stage_name'].lower())}), "
                f"since {format_date(current['started'])}: {years:.1f} years by "
                f"{format_date(self.as_of)}.</p><ul>{''.join(items)}</ul>")

    def plot_stages(self) -> Chart:
        """The stage lanes of the platform and its peers up to the date, events of the region."""
        return self._chart((10, 4.8), _stages_chart, self.as_of, self.region)

    def users(self) -> str:
        """Monthly users on the date and their growth."""
        counts = self.ds.user_counts
        mine = counts[(counts["platform"] == self.platform) & (counts["date"] <= self.as_of)]
        monthly = mine[mine["metric"] == "mau"]
        if monthly.empty:
            other = mine.sort_values("date").tail(1)
            if other.empty:
                return (f"<p>{escape(self.platform)} had published no user figure by "
                        f"{format_date(self.as_of)}.</p>")
            row = other.iloc[0]
            return (f"<p>{escape(self.platform)} publishes no monthly active users; its latest figure "
                    f"by then was {format_users(row['users_millions'])} ({escape(str(row['metric']))}, "
                    f"{format_date(row['date'])}){self._cite([row['source_id']])}.</p>")
        latest = monthly.sort_values("date").iloc[-1]
        text = (f"<p>Latest announced figure: <strong>{format_users(latest['users_millions'])}</strong> "
                f"monthly ({format_date(latest['date'])}){self._cite([latest['source_id']])}.")
        rates = growth.growth_rates(self.ds, self.platform) if len(growth.reported(self.ds, self.platform)) > 1 else None
        if rates is not None:
            rates = rates[rates["end"] <= self.as_of]
            if len(rates):
                last = rates.iloc[-1]
                text += (f" Between {format_date(last['start'])} and {format_date(last['end'])} it "
                         f"grew {last['annual_growth']:.0%} a year.")
        return text + "</p>"

    def plot_users(self) -> Chart:
        """The platform's user line beside Meta's apps, up to the date (or a note if none)."""
        counts = self.ds.user_counts
        early = counts[(counts["metric"] == "mau") & (counts["date"] <= self.as_of)]
        shown = tuple(p for p in self.ds.platform_names
                      if p in set(early["platform"].astype(str)) and (p == self.platform or p in _META))
        return self._chart((10, 4.2), _users_chart, shown, self.as_of)

    def events(self) -> str:
        """The platform's monetization events so far, rows in the region highlighted."""
        table = rollouts.events(self.ds, platforms=self.platform, as_of=self.as_of)
        if table.empty:
            return f"<p>No monetization events of {escape(self.platform)} by {format_date(self.as_of)}.</p>"
        rows = []
        for row in table.itertuples():
            local = bool(self.region) and self.region in row.regions.split(", ")
            cells = "".join(f"<td>{escape(_text(getattr(row, c)))}</td>" for c in _EVENT_COLUMNS)
            rows.append(f'<tr class="{"in-region" if local else ""}">{cells}'
                        f"<td>{self._cite([row.source_id])}</td></tr>")
        head = "".join(f"<th>{escape(c)}</th>" for c in (*_EVENT_COLUMNS, "source"))
        note = (f"<p>Rows in <strong>{escape(self.region)}</strong> are highlighted.</p>"
                if self.region else "")
        return f'{note}<table class="events"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'

    def region_comparison(self) -> str:
        """How the region compares: its first local events and its stated B2B/B2C orientation."""
        if not self.region:
            return "<p>No region was chosen; the regional chart shows users by country.</p>"
        firsts = rollouts.first_markets(self.ds)
        firsts = firsts[(firsts["region"] == self.region) & (firsts["first_date"] <= self.as_of)]
        items = [f"<li>{escape(str(r.platform))}: first local event {format_date(r.first_date)}, "
                 f"{escape(r.first_event)}</li>" for r in firsts.itertuples()]
        stated = regions.orientation(self.ds)
        stated = stated[stated["region"] == self.region]
        items += [f"<li>Business use of {escape(str(r.platform))} is mainly <strong>{escape(str(r.orientation))}"
                  f"</strong> ({r.year}){self._cite([r.source_id])}</li>" for r in stated.itertuples()]
        if not items:
            items = ["<li>No local monetization event or stated orientation in the data.</li>"]
        return f"<p>In <strong>{escape(self.region)}</strong>:</p><ul>{''.join(items)}</ul>"

    def plot_region(self) -> Chart:
        """Users of the platform by country (or WhatsApp's, if it has none), region first."""
        table = self.ds.regions
        platform = self.platform if ((table["platform"] == self.platform) & (table["metric"] == "users")).any() else "WhatsApp"
        region = self.region if self._region_has_users(platform) else None
        return self._chart((10, 4.2), _region_chart, platform, region)

    def _region_has_users(self, platform) -> bool:
        table = self.ds.regions
        return bool(self.region) and bool(((table["platform"] == platform) & (table["metric"] == "users")
                                           & (table["region"] == self.region)).any())

    def peers_section(self) -> str:
        """Launch to first paid tools, this platform beside the others."""
        paths = peers.monetization_paths(self.ds, as_of=self.as_of)
        mine = paths[paths["platform"] == self.platform].iloc[0]
        ranked = paths.dropna(subset=["years_to_stage3"]).sort_values("years_to_stage3")
        if pd.isna(mine["years_to_stage3"]):
            position = f"{escape(self.platform)} had no paid business tools by then"
        else:
            place = list(ranked["platform"].astype(str)).index(self.platform) + 1
            position = (f"{escape(self.platform)} took {mine['years_to_stage3']:g} years from launch to "
                        f"paid tools, {_ordinal(place)} fastest of {len(ranked)} platforms that have them")
        return f"<p>{position}.</p>"

    def plot_peers(self) -> Chart:
        """The peer comparison chart up to the date."""
        return self._chart((10, 4.8), _peers_chart, self.as_of)

    def watch_next(self) -> str:
        """Announced plans not yet launched by the date, and shelved plans."""
        table = rollouts.events(self.ds, platforms=self.platform, as_of=self.as_of)
        done = set(table.loc[table["kind"].isin(["test", "launch", "expansion"]), "product"])
        shelved = set(table.loc[table["kind"] == "shelved", "product"])
        open_plans = table[(table["kind"] == "announcement") & ~table["product"].isin(done | shelved)]
        items = [f"<li>{escape(r.product)}: announced {format_date(r.date)}, {escape(r.event)}"
                 f"{self._cite([r.source_id])}</li>" for r in open_plans.itertuples()]
        items += [f"<li>{escape(p)} was shelved; watch for its return.</li>" for p in sorted(shelved)]
        stage = stages.stage_at(self.ds, self.platform, self.as_of)
        if stage < 3:
            items.append(f"<li>The step to stage {stage + 1}: "
                         f"{'paid tools for businesses' if stage == 2 else 'organic business use'}.</li>")
        if not items:
            items = ["<li>No open announcement in the data.</li>"]
        return f"<ul>{''.join(items)}</ul>"

    def regional_figures(self) -> str:
        """The newest figures in the chosen region (or all regions), as a table."""
        table = self.ds.regions
        if self.region:
            table = table[table["region"] == self.region]
        table = table[table["year"] <= self.as_of.year].sort_values(["metric", "year"])
        if table.empty:
            return "<p>No regional figures for this selection.</p>"
        names = self.ds.countries.set_index("country")["name"]
        rows = "".join(
            f"<tr><td>{escape(names.get(r.country, r.region) if pd.notna(r.country) else str(r.region))}</td>"
            f"<td>{escape(_text(r.platform) or 'messaging apps')}</td><td>{escape(r.metric.replace('_', ' '))}</td>"
            f"<td>{escape(format_value(r.value, r.unit))}</td><td>{r.year}</td><td>{self._cite([r.source_id])}</td></tr>"
            for r in table.itertuples())
        head = "".join(f"<th>{h}</th>" for h in ("place", "platform", "metric", "value", "year", "source"))
        return f'<table class="figures"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'

    def citations(self) -> str:
        """The numbered list of every source cited above."""
        sources = self.ds.sources.set_index("source_id")
        items = []
        for source_id in self.cited:
            row = sources.loc[source_id]
            title = escape(_text(row["title"]) or "untitled page")
            date = format_date(row["published"]) if pd.notna(row["published"]) else "undated"
            url = str(row["url"])
            link = (f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(url)}</a>'
                    if url.startswith(("http://", "https://")) else escape(url))
            items.append(f'<li id="source-{len(items) + 1}">{escape(row["publisher"])}: '
                         f"<em>{title}</em>, {date}. {link}</li>")
        return f'<ol class="citations">{"".join(items)}</ol>'

    def footer(self) -> str:
        """Dataset checksum, package version and the date of the data."""
        return (f'<footer class="provenance">Dataset sha256 {self.ds.checksum[:16]}… · '
                f"analysis {escape(__version__)} · data up to {format_date(self.ds.latest)}</footer>")


_META = ("Instagram", "Messenger", "WhatsApp")


def _stages_chart(ds, as_of, region, *, ax):
    charts.stage_progression(ds, as_of=as_of, region=region, ax=ax)


def _users_chart(ds, platforms, as_of, *, ax):
    if platforms:
        charts.user_growth(ds, platforms=list(platforms), as_of=as_of, log=True, ax=ax)
    else:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No monthly user figures by this date.", ha="center", va="center")


def _region_chart(ds, platform, region, *, ax):
    charts.regional_comparison(ds, "users", platform=platform, region=region, ax=ax)


def _peers_chart(ds, as_of, *, ax):
    charts.peer_comparison(ds, as_of=as_of, ax=ax)


def _fingerprint(ds: Dataset) -> str:
    """A digest of every table as it is now (not as it was read).

    The pickled columns fix a table's content, whatever the frame's internal layout, and the
    same tables loaded in two processes pickle alike: about six times faster than hashing every
    value with pandas.
    """
    digest = hashlib.sha256()
    for table in TABLES:
        frame = getattr(ds, table.name)
        digest.update(pickle.dumps((frame.index, [(name, frame[name].array) for name in frame.columns]),
                                   protocol=5))
    return digest.hexdigest()


def _settings() -> str:
    """The matplotlib settings a chart is drawn with, as one digest (the same in every process)."""
    text = repr(sorted((key, repr(value)) for key, value in mpl.rcParams.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _shared_chart(key: tuple, render) -> Chart:
    """The chart in the shared folder, or ``render()``'s, left there for the other processes.

    The process that renders a chart holds a lock on it; the others wait for its result, for
    at most ``_SHARED_WAIT`` seconds before they render it themselves. The lock is released
    when its holder finishes or dies.
    """
    import fcntl  # POSIX only, like the batch's IPC kernels; a single briefing never gets here

    path = _SHARED[0] / f"{hashlib.sha256(repr(key).encode()).hexdigest()}.json"
    with open(path.with_suffix(".lock"), "a") as lock:
        deadline = time.monotonic() + _SHARED_WAIT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        if path.exists():
            stored = json.loads(path.read_text(encoding="utf-8"))
            return Chart(base64.b64decode(stored["png"]), stored["alt"])
        chart = render()
        write_atomic(path, json.dumps({"alt": chart.alt, "png": base64.b64encode(chart.png).decode("ascii")}))
        return chart


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
