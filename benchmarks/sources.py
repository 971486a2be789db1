"""Sources: ingesting 1,000 news-length documents with mentions and timeline.

Documents are generated (about 600 words each: the flagship's sentences shuffled with dated
and undated filler, some raw-capture furniture), read and cleaned by the readers as
``sources add`` does (without writing), then the flagship's actors are matched and the
timeline built. Target: under 60 s on the reference 2-core machine.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

TITLE = "Sources: 1,000 documents, mentions and timeline"
TARGET_S = 60.0
FURNITURE = [
    "Share this Story: Share On Facebook Share On Twitter",
    "Related coverage",
    "Subscribe to our newsletter",
    "Join the Algemeiner",
]


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    from kingmaker.scenario import load_scenario
    from kingmaker.sources.store import scenario_texts
    from kingmaker.sources.textutil import sentences

    sc = load_scenario("us-iraq-2020")
    pool = [s.text for t in scenario_texts(sc).values() for s in sentences(t)]
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        body = []
        while sum(len(p.split()) for p in body) < 600:
            body.append(" ".join(rng.sample(pool, 3)))
        lines = [f"Headline number {i}", f"June {rng.randint(1, 28)}, 2020 9:00 am", *body]
        lines.insert(rng.randint(2, len(lines)), rng.choice(FURNITURE))
        path = folder / f"doc{i:04d}.txt"
        path.write_text("\n\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def measure(n: int) -> dict[str, float]:
    from kingmaker.scenario import load_scenario
    from kingmaker.sources.mentions import MentionIndex, actor_names, find_mentions
    from kingmaker.sources.readers import read_document
    from kingmaker.sources.timeline import build_timeline

    sc = load_scenario("us-iraq-2020")
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), n)
        t0 = time.perf_counter()
        docs = {p.stem: read_document(p) for p in paths}
        t1 = time.perf_counter()
        texts = {k: d.text for k, d in docs.items()}
        report = find_mentions(sc, texts)
        t2 = time.perf_counter()
        events = build_timeline(
            texts, {k: d.date for k, d in docs.items()},
            index=MentionIndex(actor_names(sc)), as_of=sc.scenario.as_of,
        )  # fmt: skip
        t3 = time.perf_counter()
    return {
        "read": t1 - t0, "mentions": t2 - t1, "timeline": t3 - t2, "total": t3 - t0,
        "events": len(events), "actors": sum(1 for a in report.mentions if report.total(a)),
    }  # fmt: skip


def section(quick: bool) -> str:
    n = 100 if quick else 1000
    r = measure(n)
    return (
        f"{n} generated documents of about 600 words (the flagship's sentences, datelines and "
        "web-page furniture), read and cleaned, the flagship's 13 actors matched, the timeline "
        "built:\n\n"
        "| step | seconds |\n|---|---:|\n"
        f"| read and clean | {r['read']:.1f} |\n| mentions | {r['mentions']:.1f} |\n"
        f"| timeline | {r['timeline']:.1f} |\n| **total** | **{r['total']:.1f}** "
        f"(target < {TARGET_S:.0f}) |\n\n"
        f"{r['events']:,} dated events found.\n"
    )


if __name__ == "__main__":
    print(section(quick=False))
