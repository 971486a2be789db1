"""Analyses compose model kernels: forecast now; uncertainty, influence and backtests later."""
