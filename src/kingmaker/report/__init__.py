"""Presentation shared by every interface: numbers as text, forecasts in words, tables.

The command line, the Markdown pages and the HTML report format the same records the same
way through this package. It reads result records (and scenario types) only: it never runs a
model.
"""
