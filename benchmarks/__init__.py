"""Kingmaker's benchmarks: speed measured side by side, never asserted in tests.

Run ``python -m benchmarks.run`` from the repository root to regenerate docs/benchmarks.md
(see benchmarks/README.md).
"""
