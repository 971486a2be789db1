"""Markdown pages from backtest results: docs/backtest.md for DEU III, a page per scenario."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ...results.backtest import Leaderboard
from .deu3 import Deu3Report

COMMAND = (
    "kingmaker backtest deu3 --write-docs docs/backtest.md "
    "--write-calibration src/kingmaker/data/deu3/calibration.json"
)

#: What docs/backtest.md is computed from, besides the package version: the data, the models
#: and the code that loads, runs and scores them (paths relative to the kingmaker package).
PAGE_INPUTS = (
    "data/deu3",
    "datasets",
    "models",
    "analysis/backtest",
    "results/backtest.py",
    "analysis/sampling.py",
    "scenario/compile.py",
    "scenario/schema.py",
    "scenario/document.py",
    "scenario/checks.py",
    "randomness.py",
    "data/scenarios/us-iraq-2020",
)
#: Files the page's run writes beside it: outputs, not inputs.
PAGE_OUTPUTS = ("data/deu3/calibration.json",)
_INPUTS_MARK = "<!-- inputs: "


def inputs_fingerprint() -> str:
    """SHA-256 over what the DEU III page is computed from (see PAGE_INPUTS).

    The page records it, so a test can tell in a second whether the checked-in page may be
    stale, without the minutes it takes to regenerate it. Python files count by their syntax
    tree without docstrings, so reformatting, comments and docs do not stale the page.
    """
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for rel in PAGE_INPUTS:
        path = root / rel
        files = sorted(path.rglob("*")) if path.is_dir() else [path] if path.exists() else []
        for f in files:
            skip = f.relative_to(root).as_posix() in PAGE_OUTPUTS
            if f.is_file() and f.suffix != ".pyc" and "__pycache__" not in f.parts and not skip:
                digest.update(f.relative_to(root).as_posix().encode() + b"\0")
                digest.update(_canonical(f) + b"\0")
    return digest.hexdigest()


def _canonical(path) -> bytes:
    """A file's bytes, or for Python its syntax tree with docstrings removed."""
    if path.suffix != ".py":
        return path.read_bytes().replace(b"\r\n", b"\n")
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False).encode()


def recorded_fingerprint(page: str) -> str | None:
    """The inputs fingerprint a generated page records, if any."""
    for line in page.splitlines():
        if line.startswith(_INPUTS_MARK):
            return line[len(_INPUTS_MARK) :].split()[0]
    return None


def _n(x: float, d: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{d}f}"


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.0f}%"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(head) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(marks) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _diff(row) -> str:
    d = row.vs_baseline
    if d is None:
        return "baseline"
    if math.isnan(d.low):
        return f"{d.estimate:+.2f} (no interval: one group)"
    return f"{d.estimate:+.2f} [{d.low:+.2f}, {d.high:+.2f}]"


def leaderboard_table(board: Leaderboard) -> list[str]:
    rows = []
    for rank, r in enumerate(board.rows, start=1):
        name = f"**{r.key}**" if r.key == board.baseline else r.key
        rows.append(
            [
                str(rank),
                name,
                r.kind,
                str(r.scores.n),
                _n(r.scores.mae),
                _n(r.scores.rmse),
                _n(r.scores.medae),
                _n(r.scores.bias),
                _diff(r),
            ]
        )
    return _table(
        [
            "#",
            "forecast",
            "kind",
            "n",
            "MAE",
            "RMSE",
            "MedAE",
            "bias",
            f"MAE - {board.baseline} [{board.level:.0%} CI]",
        ],
        rows,
        "rllrrrrrr",
    )


def strata_table(board: Leaderboard) -> list[str]:
    cols = [(s.name, s.value, s.n) for s in board.strata]
    head = ["forecast"] + [f"{v} (n={n})" for _, v, n in cols]
    rows = [[r.key] + [_n(s.mae.get(r.key, math.nan)) for s in board.strata] for r in board.rows]
    return _table(head, rows)


def _reference_rows(rep: Deu3Report) -> list[list[str]]:
    eq, gdp = rep.leaderboards["equal"], rep.leaderboards["gdp"]

    def mae(board: Leaderboard, key: str) -> str:
        r = board.row(key)
        return f"{r.scores.mae:.2f} (`{key}`, n={r.scores.n})"

    dynamic = [m for m in eq.run.models if m.dynamic]
    eum = (
        "; ".join(mae(eq, m.key) for m in dynamic) or "no dynamic model is registered in this build"
    )
    return [
        ["salience-weighted mean, equal capabilities", "23.68 (n=353)", mae(eq, "compromise")],
        ["GDP x salience-weighted mean", "23.22", mae(gdp, "compromise")],
        ["unweighted median actor", "28.59", mae(eq, "median-actor")],
        ["reference point", "51.11 (n=253)", mae(eq, "status-quo")],
        ["a peer tool's expected-utility solver", "about 28.3", eum],
    ]


def render_deu3(rep: Deu3Report) -> str:
    eq = rep.leaderboards["equal"]
    notes, oos = rep.notes, rep.oos
    run = eq.run
    out = [
        "# Backtest: DEU III",
        "",
        f"<!-- Generated by `{COMMAND}`. Do not edit by hand: rerun the command. -->",
        f"{_INPUTS_MARK}{inputs_fingerprint()} -->",
        "",
        f"How close do Kingmaker's forecasts come to what the EU actually decided? DEU III "
        f"(Arregui & Perarnaud 2021, doi:10.34810/data53, CC BY 4.0) gives {notes.issues} "
        f"issues of {notes.proposals} legislative proposals with the positions and saliences "
        f"of the Commission, the Parliament and the member states, the reference point and "
        f"the outcome, on 0-100 scales; {notes.with_outcome} issues have an outcome. Errors "
        "are in points of that scale. Generated by "
        f"`{COMMAND}` with Kingmaker {run.kingmaker_version}, seed {rep.seed}, "
        f"{rep.resamples} bootstrap resamples"
        + (f", {rep.calibration.draws} Monte Carlo draws per issue" if rep.calibration else "")
        + f"; data fingerprint `{run.fingerprint[:16]}`. Methods: "
        "[reference/backtest.md](reference/backtest.md).",
        "",
        "## Summary",
        "",
    ]
    best_model = next(r for r in eq.rows if r.kind == "model")
    out.append(
        f"- On all {eq.n_cases} issues with equal capabilities, the best-scoring model "
        f"is `{best_model.key}` (MAE {best_model.scores.mae:.2f})."
    )
    if oos.selected is None:
        out.append(
            "- **No candidate beat the weighted mean in cross-validation on the training "
            "part**, so none was taken to the test part."
        )
    else:
        d = oos.test_difference
        verdict = (
            "**beat the weighted mean out of sample**"
            if d.high < 0
            else "**did not beat the weighted mean out of sample**"
            if d.estimate >= 0
            else "scored lower than the weighted mean out of sample, but the interval "
            "includes no difference"
        )
        out.append(
            f"- Out of sample: the candidate chosen by cross-validation on the training part, "
            f"`{oos.selected.name}` = {oos.selected.choice}, {verdict}: test MAE "
            f"{oos.test_selected.mae:.2f} against {oos.test_baseline.mae:.2f} for the "
            f"weighted mean on the {oos.n_test} test issues (difference {d.estimate:+.2f}, "
            f"95% interval {d.low:+.2f} to {d.high:+.2f})."
        )
    better = [
        r.key
        for r in eq.rows
        if r.kind == "model" and r.vs_baseline is not None and r.vs_baseline.high < 0
    ]
    if better:
        out.append(
            "- Registered models whose MAE is below the compromise model's with a 95% "
            "interval excluding no difference (all issues, untuned): "
            + ", ".join(f"`{k}`" for k in better)
            + "."
        )
    elif oos.selected is None or oos.test_difference.high >= 0:
        out.append(
            "- So, as in the literature, **no model here clearly beats the capability x "
            "salience weighted mean (the compromise model)**."
        )
    if rep.accuracy is not None:
        out.append(_accuracy_summary(rep.accuracy))
    if rep.calibration is not None:
        c = rep.calibration.row("compromise").coverage[0.8]
        verdict = (
            "too narrow"
            if c.high < 0.8
            else "too wide"
            if c.low > 0.8
            else "consistent with their level"
        )
        out.append(
            f"- Monte Carlo intervals from input uncertainty alone are {verdict}: with the "
            f"stated DEU uncertainty, the compromise model's 80% interval holds the outcome in "
            f"{_pct(c.rate)} of issues. Intervals calibrated on training errors (split "
            f"conformal) hold it in {_pct(rep.conformal[0].test.rate)} of test issues, but are "
            f"+-{rep.conformal[0].halfwidth:.0f} points wide."
        )
    out += [
        "",
        "### Reference figures",
        "",
        ("Figures published with this copy of the data, and Kingmaker's on the same issues (MAE):"),
        "",
    ]
    out += _table(["forecast", "published", "Kingmaker"], _reference_rows(rep), "lll")
    out += [
        "",
        "## Leaderboard (equal capabilities, all issues)",
        "",
        (
            "Every registered model and variant at its default settings, and three reference "
            "forecasts computed from the inputs alone (`status-quo`: the reference point; "
            "`median-actor`, `mean-actor`: unweighted). The last column is the model's MAE "
            "minus the compromise model's on the issues both forecast, with a 95% cluster "
            "bootstrap interval (proposals resampled): negative is better; an interval that "
            "contains 0 is no evidence of a difference. No model in this table was tuned on DEU "
            "III, so all issues can be used."
        ),
        "",
    ]
    out += leaderboard_table(eq)
    if run.failures:
        out += ["", "Models that could not run on some issues (not scored there):", ""]
        out += [f"- `{k}`: {len(v)} scenario(s), e.g. {v[0]}" for k, v in run.failures.items()]
    out += [
        "",
        "## Capability options",
        "",
        (
            "MAE on all issues under each capability option of the loader (`equal`: every "
            "actor 1; `council`: Council voting weights of the treaty period in force, "
            "Commission and Parliament as an average member state, equal member states under "
            "unanimity; `gdp`: the GDP row of the file). Chosen after looking at these "
            "numbers, an option would be tuned in-sample: the out-of-sample section treats the "
            "option as a setting to tune."
        ),
        "",
    ]
    keys = [r.key for r in eq.rows]
    rows = [[k] + [_n(b.row(k).scores.mae) for b in rep.leaderboards.values()] for k in keys]
    out += _table(["forecast", *rep.leaderboards], rows)
    out += [
        "",
        "## By decision rule, procedure and treaty period (equal capabilities)",
        "",
        (
            "MAE per stratum. QMV: qualified majority (including the file's `QMV(10)`); COD: "
            "co-decision; CNS: consultation; periods as assigned by the loader."
        ),
        "",
    ]
    out += strata_table(eq)
    out += _calibration(rep)
    out += _out_of_sample(rep)
    out += _accuracy_round(rep)
    out += _flagship(rep)
    out += _data_section(rep)
    return "\n".join(out) + "\n"


def _calibration(rep: Deu3Report) -> list[str]:
    out = ["", "## Calibration", ""]
    if rep.calibration is not None:
        u = rep.uncertainty
        out += [
            (
                "DEU III gives no uncertainty ranges, so a stated one is used: every position "
                f"+-{u.position:g} points and every salience +-{u.salience:g} (PERT around the "
                "coded value, clipped to the scale); capabilities fixed. Each model runs on "
                f"{rep.calibration.draws} draws of every issue; its 80% and 95% intervals are the "
                "central quantiles of the draws. Coverage: share of issues whose outcome falls "
                "inside (Wilson 95% interval in brackets); a calibrated 80% interval covers 80%."
            ),
            "",
        ]
        rows = []
        for r in rep.calibration.rows:
            if not r.coverage:
                continue
            cells = [r.key]
            for lv in sorted(r.coverage):
                c = r.coverage[lv]
                cells += [f"{_pct(c.rate)} [{_pct(c.low)}, {_pct(c.high)}]", _n(c.mean_width, 1)]
            rows.append(cells)
        out += _table(["model", "80% coverage", "80% width", "95% coverage", "95% width"], rows)
        base = rep.calibration.row(rep.calibration.baseline)
        width = base.coverage[0.8].mean_width if 0.8 in base.coverage else math.nan
        out += [
            "",
            (
                f"The {base.key} model's 80% intervals are {_n(width, 1)} points wide on "
                f"average; its mean absolute error is {_n(base.scores.mae, 1)} points. "
                "What an analyst's ranges give is the spread due to the inputs, not the "
                "error of the model."
            ),
            "",
        ]
    out += [
        (
            "Split-conformal intervals for the compromise model: forecast +- the "
            "ceil((n+1) level)-th smallest absolute error on the training part, clipped to "
            "0-100, scored on the test part:"
        ),
        "",
    ]
    rows = [
        [
            f"{c.level:.0%}",
            _n(c.halfwidth, 1),
            f"{_pct(c.test.rate)} [{_pct(c.test.low)}, {_pct(c.test.high)}]",
            _n(c.test.mean_width, 1),
        ]
        for c in rep.conformal
    ]
    out += _table(["level", "half-width", "test coverage", "mean width"], rows)
    return out


def _out_of_sample(rep: Deu3Report) -> list[str]:
    oos = rep.oos
    out = [
        "",
        "## Out of sample: can anything beat the weighted mean?",
        "",
        (
            f"Protocol (fixed and committed before the test part was scored): the issues with "
            f"an outcome are split once, by proposal, into a training part ({oos.n_train} "
            f"issues) and a test part ({oos.n_test} issues), listed in "
            "`src/kingmaker/data/deu3/split.csv` (seeded, grouped so that no proposal is on "
            f"both sides). Each candidate family has one setting; its CV MAE is a nested "
            f"{oos.folds}-fold cross-validation on the training part (folds by proposal; the "
            "setting is tuned on the other folds). The family with the lowest CV MAE is "
            "selected only if it beats the compromise model on the training part "
            f"(MAE {oos.baseline_cv_mae:.2f} there), is tuned on the whole training part, and "
            "is scored once on the test part."
        ),
        "",
    ]
    rows = [
        [f.name, f.description, _n(f.cv_mae), ", ".join(f.fold_choices), f.choice, _n(f.train_mae)]
        for f in sorted(oos.families, key=lambda f: f.cv_mae)
    ]
    rows.append(
        [
            "compromise (baseline)",
            "no setting",
            _n(oos.baseline_cv_mae),
            "-",
            "-",
            _n(oos.baseline_cv_mae),
        ]
    )
    out += _table(
        ["family", "what it is", "CV MAE", "setting per fold", "setting", "training MAE"],
        rows,
        "lllllr",
    )
    out += [""]
    if oos.selected is None:
        out += [
            (
                f"No family beat the compromise model in cross-validation; the test part "
                f"scores the compromise model alone: MAE {oos.test_baseline.mae:.2f} "
                f"(n={oos.test_baseline.n})."
            )
        ]
    else:
        d = oos.test_difference
        out += _table(
            ["test part", "n", "MAE", "RMSE", "MedAE"],
            [
                [
                    "compromise",
                    str(oos.test_baseline.n),
                    _n(oos.test_baseline.mae),
                    _n(oos.test_baseline.rmse),
                    _n(oos.test_baseline.medae),
                ],
                [
                    f"{oos.selected.name} = {oos.selected.choice}",
                    str(oos.test_selected.n),
                    _n(oos.test_selected.mae),
                    _n(oos.test_selected.rmse),
                    _n(oos.test_selected.medae),
                ],
            ],
        )
        out += [
            "",
            f"Difference in test MAE (selected - compromise): {d.estimate:+.2f}, 95% "
            f"cluster-bootstrap interval {d.low:+.2f} to {d.high:+.2f} ({d.clusters} "
            "proposals). "
            + (
                "The selected model beats the weighted mean out of sample."
                if d.high < 0
                else "The selected model does **not** beat the weighted mean out of sample: "
                "what it gained in cross-validation did not carry over to unseen "
                "proposals."
            ),
        ]
    return out


def _ci(d) -> str:
    return f"{d.estimate:+.2f} ({d.low:+.2f} to {d.high:+.2f})"


def _accuracy_summary(acc) -> str:
    best = acc.best
    d = best.difference
    text = (
        f"- Second accuracy round (repeated nested cross-validation by proposal over all "
        f"{acc.baseline.n} issues, pre-registered): the best candidate, `{best.name}`, has a "
        f"held-out MAE {_n(best.mae)} against {_n(acc.baseline.mae)} for the weighted mean, "
        f"difference {_ci(d)}: {acc.verdict(best)}."
    )
    if acc.test is not None:
        t = acc.test
        text += (
            f" On the committed test part, scored once for it ({t.setting}, tuned on the "
            f"training part), the difference is {_ci(t.difference)} (one-sided p = "
            f"{t.p_value:.3f}, Holm-corrected {t.holm_p:.3f}): "
            + (
                "confirmed out of sample."
                if t.holm_p < 0.05 and t.difference.high < 0
                else "**not confirmed** on the test part."
            )
        )
    cal = {c.level: c for c in acc.baseline.intervals}
    text += (
        f" Cross-conformal intervals around the weighted mean hold the outcome in "
        f"{cal[0.8].coverage:.1%} of issues at 80% and {cal[0.95].coverage:.1%} at 95% "
        f"(+-{cal[0.8].width / 2:.0f} and +-{cal[0.95].width / 2:.0f} points on average)."
    )
    return text


def _cal_rows(items, what: str) -> list[list[str]]:
    return [
        [
            what,
            f"{c.level:.0%}",
            _pct(c.coverage),
            f"{_pct(c.low)} to {_pct(c.high)}",
            _n(c.width, 1),
        ]
        for c in items
    ]


def _accuracy_round(rep: Deu3Report) -> list[str]:
    acc = rep.accuracy
    if acc is None:
        return []
    base = acc.baseline
    out = [
        "",
        "## Second accuracy round: nested cross-validation over all issues",
        "",
        (
            "Protocol: [reference/backtest.md](reference/backtest.md#protocol-of-the-second-"
            "accuracy-round-pre-registered-2026-12-07-before-any-result), committed before "
            f"any candidate was implemented. {base.repetitions} repetitions of {base.folds} "
            f"outer folds by proposal over all {base.n} issues; each candidate's settings are "
            "tuned by a 4-fold inner cross-validation on the outer training folds only. A "
            "case's error is the mean absolute error of its held-out forecasts; the difference "
            "is candidate minus weighted mean (negative is better), with a 95% cluster "
            f"bootstrap by proposal ({base.difference.clusters} proposals). The bar for "
            "calling a candidate better: at most -0.5 with the interval wholly below 0 "
            "(stretch: -1.0). Equations: [reference/models.md](reference/models.md)."
        ),
        "",
    ]
    rows = []
    for c in sorted(acc.candidates, key=lambda c: c.difference.estimate):
        top = list(c.choice_counts().items())[:3]
        tuned = "; ".join(f"{k} ({v})" for k, v in top)
        rows.append([f"`{c.name}`", _n(c.mae), _ci(c.difference), acc.verdict(c), tuned or "-"])
    rows.append(["`compromise`", _n(base.mae), "-", "baseline", "-"])
    out += _table(
        [
            "candidate",
            "nested-CV MAE",
            "difference (95% interval)",
            "verdict",
            "settings tuned (of 50 outer folds)",
        ],
        rows,
        "lrlll",
    )
    out += [""]
    for c in acc.candidates:
        out.append(f"- `{c.name}`: {c.description}.")
    out += ["", "### The committed test part, scored once", ""]
    if acc.test is None:
        out.append(
            "No candidate's nested-CV interval lies below 0, so, as pre-registered, the test "
            "part was not scored."
        )
    else:
        t = acc.test
        out += _table(
            ["test part", "n", "MAE", "RMSE", "MedAE"],
            [
                [
                    "compromise",
                    str(t.n),
                    _n(t.baseline_scores.mae),
                    _n(t.baseline_scores.rmse),
                    _n(t.baseline_scores.medae),
                ],
                [
                    f"{t.candidate} ({t.setting})",
                    str(t.n),
                    _n(t.candidate_scores.mae),
                    _n(t.candidate_scores.rmse),
                    _n(t.candidate_scores.medae),
                ],
            ],
        )
        confirmed = t.holm_p < 0.05 and t.difference.high < 0
        out += [
            "",
            (
                f"The pre-registered final candidate is `{t.candidate}` (lowest nested-CV "
                f"difference, interval below 0), tuned on the {acc.baseline.n - t.n} "
                f"training issues: {t.setting}. Test difference {_ci(t.difference)}; "
                f"one-sided cluster-bootstrap p = {t.p_value:.3f}, Holm-corrected over the "
                f"m = 5 hypotheses looked at on this part so far: {t.holm_p:.3f}. "
                + (
                    "The gain is confirmed on unseen proposals."
                    if confirmed
                    else "**The gain is not confirmed on the test part.** The test part "
                    "has little power (a fixed rule's test difference varies with a standard "
                    "deviation of about 0.7-1.2 points across random proposal splits), so "
                    "this neither refutes nor confirms the nested-CV figure; the nested CV "
                    "over all issues is the primary evaluation."
                )
            ),
        ]
    out += [
        "",
        "### Intervals that hold: cross-conformal calibration",
        "",
        (
            "For each outer fold, the half-width at a level is the conformal quantile of the "
            "absolute residuals of nested held-out forecasts on the other folds; coverage is "
            "counted on the fold, pooled over folds and repetitions, with a 95% cluster "
            "bootstrap by proposal. Width: mean interval width in points (after clipping to "
            "the scale); for prediction sets, the mean number of candidate positions."
        ),
        "",
    ]
    rows = _cal_rows(base.intervals, "compromise, interval")
    for c in acc.candidates:
        rows += _cal_rows(c.intervals, f"{c.name}, interval")
        if c.sets:
            rows += _cal_rows(c.sets, f"{c.name}, set of positions")
            rows += _cal_rows(c.union, f"{c.name}, set or interval")
    out += _table(["forecast", "level", "coverage", "95% interval", "width"], rows, "llrlr")
    sets = next((c for c in acc.candidates if c.sets), None)
    if sets is not None:
        top = sets.sets[-1]
        out += [
            "",
            (
                f"Prediction sets over candidate positions alone cannot reach 80% or 95%: "
                f"the outcome is some actor's position on only part of the issues, and a set "
                f"of positions covers at most that ({_pct(top.coverage)} at 95%, with "
                f"{top.width:.1f} positions on average). Together with the interval they "
                "over-cover; the plain cross-conformal interval is the one to use."
            ),
        ]
    if rep.calibration_table is not None:
        out += [
            "",
            (
                "`kingmaker forecast` and `simulate` show every model's calibrated 50/80/95% "
                "intervals from these DEU III errors (conformal half-widths over all "
                f"{rep.calibration_table['n_cases']} issues, scaled to each issue's scale), "
                "labelled as calibrated on DEU III, beside the Monte Carlo intervals of input "
                "uncertainty (`src/kingmaker/data/deu3/calibration.json`, written with this "
                "page). Half-widths in points of 0-100:"
            ),
            "",
        ]
        rows = []
        for key, entry in rep.calibration_table["models"].items():
            h = entry["halfwidth"]
            cc = entry["cross_conformal"]
            rows.append(
                [f"`{key}`"]
                + [f"+-{h[k]:.1f} ({_pct(cc[k]['coverage'])})" for k in ("0.5", "0.8", "0.95")]
            )
        out += _table(["model", "50% (cross-conformal coverage)", "80%", "95%"], rows, "lrrr")
    return out


def _flagship(rep: Deu3Report) -> list[str]:
    board = rep.flagship
    if board is None:
        return []
    run = board.run
    out = [
        "",
        f"## The flagship's own backtest: {run.title}",
        "",
        (
            f"The embedded scenario `us-iraq-2020` records observed outcomes (to the end of "
            f"2021) on its {board.n_cases} issues. Four issues are no test of accuracy; they "
            "show how each model's forecast of June 2020 compares with what happened."
        ),
        "",
    ]
    head = ["model", "MAE"] + [c.issue for c in run.cases]
    rows = []
    for r in board.rows:
        if r.kind != "model":
            continue
        f = run.forecasts[r.key]
        rows.append([f"`{r.key}`", _n(r.scores.mae)] + [_n(x, 1) for x in f])
    rows.append(["observed", "-"] + [_n(c.observed, 1) for c in run.cases])
    out += _table(head, rows, "lr" + "r" * len(run.cases))
    return out


def _data_section(rep: Deu3Report) -> list[str]:
    n = rep.notes
    periods = ", ".join(f"{k} {v}" for k, v in n.periods.items())
    out = [
        "",
        "## Data notes",
        "",
        (
            f"- {n.issues} issues, {n.proposals} proposals; {n.with_outcome} with an outcome, "
            f"{n.with_reference_point} with a reference point, {n.with_both} with both."
        ),
        (
            f"- {n.missing_salience} actor-issue pairs have a position but no salience: the "
            "actor is present with salience 0 (the rule that reproduces the published figures; "
            "the `missing-salience` family above tunes it out of sample)."
        ),
        (
            f"- {n.spreadsheet_dates} of the {n.date_cells} date cells (introduction and final "
            "act of each proposal) were turned year-first by a spreadsheet (e.g. `1930-05-01` "
            "for 30 May 2001) and are read back as day-month-year."
        ),
        f"- Treaty period of the issues with an outcome: {periods}.",
        f"- {len(n.estimated)} proposals have no final-act date; their decision is "
        f"estimated at the introduction date plus {n.median_days} days (the median time to "
        "adoption of the proposals with both dates): "
        + ", ".join(f"`{r.proposal}` ({r.period.period})" for r in n.estimated)
        + ".",
    ]
    if n.ambiguous:
        out.append(
            "- Ambiguous treaty period (another plausible reading of the dates gives "
            "another period): "
            + "; ".join(
                f"`{r.proposal}` (line {r.line}): {r.period.period}, or "
                f"{', '.join(r.period.alternatives)}: {r.period.note}"
                for r in n.ambiguous
            )
            + "."
        )
    else:
        out.append("- No proposal's treaty period is ambiguous.")
    return out


def render_scenario(board: Leaderboard) -> str:
    """A page for a scenario backtest: the leaderboard and every forecast against outcome."""
    run = board.run
    out = [
        f"# Backtest: {board.title} (`{board.target}`)",
        "",
        f"Kingmaker {run.kingmaker_version}; {board.n_cases} issue(s) with a recorded outcome.",
        "",
    ]
    out += leaderboard_table(board)
    out += ["", "## Forecasts and outcomes", ""]
    rows = []
    for k, case in enumerate(run.cases):
        for r in board.rows:
            f = board.forecast(r.key)[k]
            rows.append(
                [case.issue, r.key, _n(f, 3), _n(case.observed, 3), _n(f - case.observed, 3)]
            )
    out += _table(["issue", "forecast by", "forecast", "observed", "error"], rows, "llrrr")
    return "\n".join(out) + "\n"
