"""Interactive exploration: widgets that redraw the stage progression and user growth charts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from . import charts, params, stages
from .data import Dataset
from .schema import REGIONS


def draw(ds: Dataset, platforms, as_of, region=None, log: bool = True):
    """Draw the stage progression (events of ``region``) and user growth charts; return the Figure."""
    checked = params.check(ds, platforms=list(platforms), as_of=as_of, region=region)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 10), gridspec_kw={"hspace": 0.45})
    charts.stage_progression(ds, platforms=checked.platforms, as_of=checked.as_of,
                             region=checked.region, ax=top)
    with_figures = set(ds.user_counts.loc[ds.user_counts["metric"] == "mau", "platform"].astype(str))
    shown = [p for p in checked.platforms if p in with_figures]
    if shown and ds.user_counts.loc[ds.user_counts["platform"].isin(shown), "date"].min() <= checked.as_of:
        charts.user_growth(ds, platforms=shown, as_of=checked.as_of, log=log, ax=bottom)
    else:
        bottom.set_axis_off()
        bottom.text(0.5, 0.5, "No monthly user figures for this selection by this date.",
                    ha="center", va="center")
    return fig


def dashboard(ds: Dataset, platforms=None, as_of=None):
    """Widgets (platforms, region, as-of month) wired to ``draw``; returns the widget box."""
    import ipywidgets as widgets
    from IPython.display import display

    start = params.check(ds, platforms=platforms, as_of=as_of)
    months = pd.date_range(ds.earliest, ds.latest, freq="MS")
    options = stages.platforms_with_stages(ds)
    chooser = widgets.SelectMultiple(options=options, value=tuple(start.platforms or options),
                                     description="Platforms", rows=6)
    region = widgets.Dropdown(options=[("All regions", None), *[(r, r) for r in REGIONS]],
                              description="Region")
    slider = widgets.SelectionSlider(options=[(f"{m:%b %Y}", m) for m in months],
                                     value=months[months <= start.as_of][-1], description="As of",
                                     continuous_update=False, layout=widgets.Layout(width="90%"))
    log = widgets.Checkbox(value=True, description="Log scale")

    def redraw(platforms, region, as_of, log):
        if platforms:
            display(draw(ds, platforms, as_of, region, log))
            plt.close("all")

    output = widgets.interactive_output(redraw, {"platforms": chooser, "region": region,
                                                 "as_of": slider, "log": log})
    return widgets.VBox([widgets.HBox([chooser, widgets.VBox([region, log])]), slider, output])
