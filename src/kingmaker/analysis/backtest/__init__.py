"""Backtests: how good the forecasts are on decisions with known outcomes."""
