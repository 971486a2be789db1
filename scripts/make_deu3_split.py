"""Write the fixed DEU III train/test split (src/kingmaker/data/deu3/split.csv).

Run once when the split is defined: `python scripts/make_deu3_split.py`. The test suite checks
that the committed file equals what this procedure produces, so the split cannot drift.
"""

from kingmaker.analysis.backtest.deu3_target import make_split, split_path, split_text

if __name__ == "__main__":
    path = split_path()
    path.write_text(split_text(make_split()), encoding="utf-8")
    print(f"wrote {path}")
