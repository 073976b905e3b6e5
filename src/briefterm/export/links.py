"""A brief as links only: one http(s) URL per line."""

from __future__ import annotations

from briefterm.export._parts import share_url
from briefterm.models import Brief
from briefterm.sanitize import strip_controls


def render_links(brief: Brief, *, members: bool = False) -> str:
    """One http(s) URL per line (tracking parameters dropped): each story's lead,
    plus other reports if ``members``."""
    seen: dict[str, None] = {}
    for cluster in brief.clusters:
        for entry in cluster.members if members else [cluster.lead]:
            url = share_url(entry.link)
            if url:
                seen.setdefault(url, None)
    return strip_controls("".join(f"{u}\n" for u in seen))
