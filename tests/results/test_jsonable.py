"""`jsonable` turns arrays into JSON without visiting each element in Python; the fast path
must give exactly what the element-by-element definition gives (NaN and inf as None)."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kingmaker.results.record import jsonable


def element_wise(value):
    if isinstance(value, np.ndarray):
        return element_wise(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list):
        return [element_wise(v) for v in value]
    return value


dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_])


@given(hnp.arrays(dtypes, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
def test_arrays_match_the_element_wise_definition(array):
    fast, slow = jsonable(array), element_wise(array)
    assert json.dumps(fast) == json.dumps(slow)
    assert type(fast) is type(slow)


def test_non_finite_values_become_none():
    assert jsonable(np.array([[1.5, np.nan], [np.inf, -np.inf]])) == [[1.5, None], [None, None]]
    assert jsonable(np.array(np.nan)) is None
    assert (
        jsonable(np.array([-0.0]))[0] == 0.0 and math.copysign(1, jsonable(np.array([-0.0]))[0]) < 0
    )
