"""Helpers shared by the test layers: loopback servers, reader fixture data, paths."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The repository root (where pyproject.toml and config.example.toml live)."""

DATA = REPO / "tests" / "data"
"""Golden files and fixtures: feeds/, opml/, clusters/."""
