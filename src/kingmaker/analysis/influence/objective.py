"""What an actor wants: the outcomes it prefers, weighted by how much each issue matters to it.

An actor gains when a forecast moves toward its own position. The gain of a change is the
salience-weighted reduction in the distance between the forecasts and the actor's positions,
in percent of each issue's scale (points, on a 0-100 scale):

    gain = sum_j w_j * (|F_j - p_j| - |F'_j - p_j|) * 100 / width_j,   w_j = s_j / sum_k s_k

over the issues considered (the actor's issues, or those named), with the actor's positions
and saliences taken from the scenario *before* any change: an actor that states a harder line
as a tactic still wants what it wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...errors import AnalysisError, unknown_name
from ...scenario.compile import ScenarioArrays


@dataclass(frozen=True, eq=False)
class Objective:
    """An actor's ideal points and weights on the issues it is judged on."""

    actor: str
    issues: tuple[str, ...]
    columns: np.ndarray  # indices of ``issues`` in the scenario's issue order
    ideal: np.ndarray
    weight: np.ndarray  # saliences normalised to sum 1 (equal weights if all are 0)
    width: np.ndarray

    @classmethod
    def of(
        cls, arrays: ScenarioArrays, actor: str, issues: Sequence[str] | None = None
    ) -> Objective:
        if actor not in arrays.actor_ids:
            raise AnalysisError(
                unknown_name("actor", actor, arrays.actor_ids, listing="actors", always_list=True)
            )
        a = arrays.actor_ids.index(actor)
        present = arrays.present[a]
        if issues:
            for issue in issues:
                if issue not in arrays.issue_ids:
                    raise AnalysisError(unknown_name("issue", issue, arrays.issue_ids))
                if not present[arrays.issue_ids.index(issue)]:
                    raise AnalysisError(
                        f"actor {actor!r} has no position on issue {issue!r}, "
                        "so nothing says which outcome it prefers there"
                    )
            cols = [arrays.issue_ids.index(i) for i in dict.fromkeys(issues)]
        else:
            cols = [j for j in range(len(arrays.issue_ids)) if present[j]]
            if not cols:
                raise AnalysisError(f"actor {actor!r} has no position on any issue")
        columns = np.asarray(cols, dtype=np.int64)
        sal = arrays.value["salience"][a, columns]
        weight = sal / sal.sum() if sal.sum() > 0 else np.full(len(cols), 1.0 / len(cols))
        return cls(
            actor,
            tuple(arrays.issue_ids[j] for j in cols),
            columns,
            arrays.value["position"][a, columns].copy(),
            weight,
            (arrays.scale_max - arrays.scale_min)[columns].copy(),
        )

    def gain(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Gain of moving the forecasts from ``before`` to ``after`` (..., all issues)."""
        d0 = np.abs(np.asarray(before)[..., self.columns] - self.ideal)
        d1 = np.abs(np.asarray(after)[..., self.columns] - self.ideal)
        return ((d0 - d1) * 100.0 / self.width * self.weight).sum(axis=-1)

    def issue_gain(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """The unweighted gain per considered issue, in percent of its scale (..., k)."""
        d0 = np.abs(np.asarray(before)[..., self.columns] - self.ideal)
        d1 = np.abs(np.asarray(after)[..., self.columns] - self.ideal)
        return (d0 - d1) * 100.0 / self.width
