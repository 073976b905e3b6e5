"""Short and long renderings of entry times for the reader (local time)."""

from __future__ import annotations

from datetime import datetime


def short_age(ts: float, now: float) -> str:
    """A compact age for list rows: "now", "5m", "3h", "2d", "4w", else "12 Mar"."""
    seconds = max(0.0, now - ts)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    if seconds < 8 * 7 * 86400:
        return f"{int(seconds // (7 * 86400))}w"
    return datetime.fromtimestamp(ts).strftime("%d %b").lstrip("0")


def long_age(ts: float, now: float) -> str:
    """A readable age for the detail pane: "just now", "3 h ago", "2 days ago"."""
    seconds = now - ts
    if seconds < 0:
        return "in the future"
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return "1 day ago" if days == 1 else f"{days} days ago"


def local_time(ts: float) -> str:
    """A full local timestamp with the zone, e.g. "Sun 22 Nov 2026 08:15 CET"."""
    moment = datetime.fromtimestamp(ts).astimezone()
    return moment.strftime("%a %d %b %Y %H:%M %Z").strip()
