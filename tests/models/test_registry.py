"""What every registered model promises the analyses that run it."""

from __future__ import annotations

import pickle

import pytest

from kingmaker.models import registry


@pytest.mark.parametrize("spec", registry.specs(), ids=lambda s: s.name)
def test_specs_and_params_travel_to_worker_processes(spec):
    """Process pools and Dask send model specs to workers: they must pickle, and the copy
    must say the same about randomness."""
    params = spec.params()
    copy, copied_params = pickle.loads(pickle.dumps((spec, params)))
    assert copy.name == spec.name
    assert copy.is_stochastic(copied_params) == spec.is_stochastic(params)


@pytest.mark.parametrize("spec", registry.specs(), ids=lambda s: s.name)
def test_defaults_draw_no_random_numbers(spec):
    """Every built-in model is deterministic at its defaults (its random options are opt-in),
    so a point forecast needs no seed and lever searches can stack variants in one batch."""
    assert spec.is_stochastic(spec.params()) is False
