"""`kingmaker advise` end to end: the flagship for Iran and the US, every anchor sample,
JSON, and exit code 2 for every user mistake."""

from __future__ import annotations

import json

import pytest

import kingmaker
from tests.cli.test_cli import run
from tests.cli.test_uncertainty_cli import SAMPLES, SMALL, ids
from tests.conftest import without_created


def test_flagship_for_iran(capsys):
    code, out, err = run(
        capsys,
        "advise",
        "--actor",
        "iran",
        "-m",
        "compromise",
        "-m",
        "median",
        "--draws",
        "0",
        "--target",
        "troops<30",
    )
    assert code == 0, err
    for text in (
        "levers of Iran",
        "What Iran (Supreme Leader, IRGC-Quds Force) wants",
        "Preset: Katyusha messages",
        "Preset: Escalation",
        "Best levers of Iran",
        "Smallest single changes for troops at or below 30",
        "United States government lowers its position on troops by 27.5",
        "Who matters to Iran",
    ):
        assert text in out, text
    # Iran's proxies are the actors it could least do without (negative gain if kept away)
    who = out[out.index("Who matters") :]
    kh = next(line for line in who.splitlines() if "Kataib Hezbollah" in line)
    assert "│ -" in kh and "0/2" in kh


def test_flagship_for_the_us_as_json(capsys):
    code, out, err = run(
        capsys,
        "advise",
        "--actor",
        "us",
        "-m",
        "compromise",
        "--draws",
        "30",
        "--seed",
        "4",
        "--check",
        "1",
        "--format",
        "json",
        "-t",
        "support:60",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["kind"] == "advice" and doc["actor"] == "us" and doc["seed"] == 4
    assert [p["id"] for p in doc["presets"]] == ["link-support-to-presence", "end-energy-waivers"]
    assert doc["presets"][0]["paired"]["difference"]["compromise"]["troops"]["draws"] == 30
    gains = [lv["mean_gain"] for lv in doc["levers"]]
    assert gains == sorted(gains, reverse=True)
    (t,) = doc["targets"]
    assert t["target"] == "support:60" and t["direction"] == "above" and t["reachable"]
    assert all(c["forecast"] >= 60 for c in t["changes"])


@pytest.mark.parametrize("source", [str(p) for p in SAMPLES], ids=ids)
def test_every_anchor_sample(capsys, source):
    actor = kingmaker.load_scenario(source).actors[0].id
    code, out, err = run(
        capsys, "advise", source, "--actor", actor, "-m", "compromise", "--draws", "0", "--top", "3"
    )
    assert code == 0, err
    assert "Best levers of" in out


@pytest.mark.parametrize("source", SMALL, ids=ids)
def test_small_samples_with_their_models(capsys, source):
    sc = kingmaker.load_scenario(source)
    actor, issue = sc.actors[-1].id, sc.issues[0]
    code, out, err = run(
        capsys,
        "advise",
        source,
        "--actor",
        actor,
        "--draws",
        "8",
        "--seed",
        "1",
        "--check",
        "1",
        "-t",
        f"{issue.id}:{(issue.scale.min + issue.scale.max) / 2:g}",
    )
    assert code == 0, err
    assert "Smallest single changes" in out


@pytest.mark.parametrize(
    "argv,words",
    [
        (["advise", "--actor", "irn"], ["unknown actor 'irn'", "did you mean 'iran'"]),
        (["advise", "--actor", "iran", "-t", "troops=30"], ["ISSUE<VALUE"]),
        (["advise", "--actor", "iran", "-t", "troops<300"], ["outside the scale"]),
        (
            ["advise", "bdm1994-emissions", "--actor", "de", "--issue", "troops"],
            ["unknown issue 'troops'"],
        ),
        (["advise", "--actor", "iran", "-m", "nope"], ["nope"]),
    ],
)
def test_user_mistakes_exit_2(capsys, argv, words):
    code, _, err = run(capsys, *argv, "--draws", "0")
    assert code == 2
    for w in words:
        assert w in err, (w, err)
    assert "Traceback" not in err


def test_actor_is_required(capsys):
    code, _, err = run(capsys, "advise", "--draws", "0")
    assert code == 2 and "--actor" in err


def test_json_does_not_depend_on_the_executor(capsys):
    argv = [
        "advise",
        "--actor",
        "iran",
        "-m",
        "compromise",
        "--draws",
        "50",
        "--seed",
        "3",
        "--check",
        "2",
        "--format",
        "json",
    ]
    code, reference, _ = run(capsys, *argv)
    assert code == 0
    code, out, err = run(capsys, *argv, "--workers", "2")
    assert code == 0, err
    assert without_created(out) == without_created(reference)
