"""The measure pages answer while a separate process ships events into the warehouse
(the "warehouse busy" pages of before): every request is served, with the new events."""

from __future__ import annotations

import json

from tests.integration.test_warehouse_readers import writer_process
from tests.web.test_measure_analysis import RANGE, _base, events, marketer  # noqa: F401


def test_pages_read_while_a_worker_process_writes(events, marketer, world, tmp_path):  # noqa: F811
    proc = writer_process(tmp_path / "warehouse.duckdb", seconds=3.0)
    answered = []
    while proc.poll() is None:
        response = marketer.get(f"{_base(world)}/attribution", params=RANGE)
        answered.append(response.status_code)
        assert response.status_code == 200, response.text
        assert response.json()["totals"]["conversions"] == 5
    out, _ = proc.communicate(timeout=30)
    assert json.loads(out.strip().splitlines()[-1])["appended"] > 0
    assert len(answered) >= 2
