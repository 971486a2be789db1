"""DEU III as a backtest target: the committed split."""

from __future__ import annotations

from kingmaker.analysis.backtest import deu3_target


def test_split_is_reproduced_by_its_procedure():
    """The committed split is exactly what the seeded procedure makes (no drift, no edits)."""
    committed = deu3_target.read_split()
    assert committed == deu3_target.make_split()
    assert deu3_target.split_path().read_text(encoding="utf-8") == deu3_target.split_text(committed)
    test = {r.proposal for r in committed if r.part == "test"}
    train = {r.proposal for r in committed if r.part == "train"}
    assert not test & train
    assert len(committed) == 353 and sum(r.part == "test" for r in committed) == 106
