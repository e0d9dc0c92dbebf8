from tandem.web.charts import Series, line_chart


def test_a_line_chart_scales_to_a_round_maximum_and_labels_the_axis():
    chart = line_chart(
        "t", ["a", "b", "c"], [Series("s", [0, 50, 180], "x")], width=300, height=120
    )
    assert chart.y_ticks[-1][1] == "200"
    ((series, path),) = chart.paths
    assert path.startswith("M") and path.count("L") == 2


def test_an_empty_chart_does_not_divide_by_zero():
    chart = line_chart("t", [], [Series("s", [], "x")])
    assert chart.paths[0][1] == ""
