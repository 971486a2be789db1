"""Concurrent what-if requests against a running dashboard (the load test and benchmark)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

FLAGSHIP = "us-iraq-2020"


def edits(k: int, n: int) -> dict:
    """The k-th of n distinct edits: Iran's salience on troops from 0 to just under 1."""
    value = round(k / n, 6)
    return {"set": [{"actor": "iran", "issue": "troops", "parameter": "salience", "value": value}]}


def burst(url: str, n: int = 50, timeout: float = 60.0) -> list[tuple[dict, int, dict, float]]:
    """n what-if requests at once: (edits, status, answer, seconds) for each, in order."""
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    with httpx.Client(base_url=url, timeout=timeout, limits=limits) as client:

        def one(k: int):
            body = edits(k, n)
            start = time.perf_counter()
            response = client.post(f"/api/scenarios/{FLAGSHIP}/what-if", json=body)
            return body, response.status_code, response.json(), time.perf_counter() - start

        with ThreadPoolExecutor(max_workers=n) as pool:
            return list(pool.map(one, range(n)))
