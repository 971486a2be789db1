"""50 concurrent what-if requests against a real ``kingmaker serve`` on the loopback: every
one answered, each with exactly the in-process what-if answer for its own edits."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")

import kingmaker
from kingmaker.web.whatif import Edits, what_if

from .load import FLAGSHIP, burst
from .server import serve

N = 50


def test_fifty_concurrent_what_ifs_are_all_answered_correctly(tmp_path, record_property):
    with serve(tmp_path / "serve") as server:
        answers = burst(server.url, N)
    assert len(answers) == N  # none lost
    scenario = kingmaker.load_scenario(FLAGSHIP)
    seen = set()
    for body, status, answer, _ in answers:
        assert status == 200, answer
        expected = json.loads(json.dumps(what_if(scenario, Edits.model_validate(body))))
        assert answer == expected, body
        seen.add(answer["issues"][0]["forecasts"]["compromise"])
    assert len(seen) > N // 2  # the answers are each request's own, not one repeated
    latencies = sorted(t for *_, t in answers)
    record_property("p95_seconds", latencies[int(0.95 * N) - 1])  # reported, never asserted
