"""The dashboard: a local web app over the Python API, the run store and the report's charts.

``create_app`` builds the FastAPI application that ``kingmaker serve`` runs with uvicorn.
Pages are server-rendered templates with one small script (``static/app.js``) that calls the
JSON API under ``/api/``; every asset is served by the app itself (no CDN). No model logic
lives here: the what-if loop, jobs and runs call :mod:`kingmaker.analysis` and
:mod:`kingmaker.store`.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
