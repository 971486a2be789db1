"""Datasets shipped with Kingmaker, turned into Scenarios (e.g. DEU III for backtests)."""
