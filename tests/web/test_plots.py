"""Interactive charts: plotly.min.js comes from the installed package, figures travel as JSON."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tandem.web.app import STATIC
from tandem.web.plots import Trace, figure, heatmap
from tandem.web.render import TEMPLATES


def test_plotly_is_served_from_the_package_not_a_cdn(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly/plotly.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert len(response.content) > 1_000_000  # the whole library, not a loader
    loader = (STATIC / "plots.js").read_text()
    assert "/static/vendor/plotly/plotly.min.js" in loader
    assert "http" not in loader.replace("htmx:", "")


def test_figure_carries_every_series_as_plain_json() -> None:
    plot = figure(
        "clicks",
        "Clicks per day",
        [
            Trace("This period", ["2026-11-01", "2026-11-02"], [3, 5]),
            Trace("Before", ["a"], [1], kind="bar"),
        ],
        y_title="Clicks",
    )
    data = json.loads(json.dumps(plot.as_json()))
    assert [t["name"] for t in data["figure"]["data"]] == ["This period", "Before"]
    assert data["figure"]["data"][0]["y"] == [3, 5]
    assert data["figure"]["data"][1]["type"] == "bar"
    assert data["figure"]["layout"]["yaxis"]["title"]["text"] == "Clicks"


def test_heatmap_keeps_hover_text_per_cell() -> None:
    plot = heatmap(
        "h",
        "Best time",
        x=[0, 1],
        y=["Mon"],
        z=[[0.1, None]],
        text=[["3 posts", "no posts"]],
    )
    trace = plot.figure["data"][0]
    assert trace["z"] == [[0.1, None]] and trace["text"] == [["3 posts", "no posts"]]


def test_plot_macro_escapes_figure_json_inside_the_script_tag() -> None:
    macro = TEMPLATES.env.get_template("_macros.html").module.plot  # type: ignore[attr-defined]
    plot = figure("x", "T", [Trace("</script><b>", [1], [1])])
    html = str(macro(plot))
    assert html.count("</script>") == 1  # the name cannot close the JSON block early
    assert 'data-plot id="x"' in html
