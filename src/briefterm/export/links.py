"""A brief as links only: one http(s) URL per line."""

from __future__ import annotations

from briefterm.models import Brief
from briefterm.sanitize import strip_controls
from briefterm.urls import safe_url


def render_links(brief: Brief, *, members: bool = False) -> str:
    """One http(s) URL per line: each story's lead, plus other reports if ``members``."""
    seen: dict[str, None] = {}
    for cluster in brief.clusters:
        for entry in cluster.members if members else [cluster.lead]:
            url = safe_url(entry.link)
            if url:
                seen.setdefault(url, None)
    return strip_controls("".join(f"{u}\n" for u in seen))
