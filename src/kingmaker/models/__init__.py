"""Collective-decision models: pure, batched kernels behind one registry."""

from .base import BatchResult, ModelParams, ModelSpec, run_model
from .registry import available, get

__all__ = ["BatchResult", "ModelParams", "ModelSpec", "available", "get", "run_model"]
