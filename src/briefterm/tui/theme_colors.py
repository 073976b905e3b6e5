"""The reader's colours, derived from the theme so that every text colour reads (WCAG AA).

A theme gives hues (primary, accent, warning, …); the reader paints text
in them on several backgrounds at once: the surface, the panel of section
headers and the footer, the cursor's and the selection's tints. Textual's
``$text-*`` colours are made for one background, and in the light theme
the accent (orange) is 2.8:1 on the panel grey. So the reader computes
its own variables once per theme: each background as a solid colour, and
each text colour moved towards white or black, keeping its hue as far as
it can, until it reaches 4.5:1 on every background it is drawn on.
tests/tui/test_contrast.py checks the colours actually painted.
"""

from __future__ import annotations

from textual.color import Color

AA = 4.6  # a little above 4.5, so rounding to 8-bit colours never drops below


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(first: Color, second: Color) -> float:
    """The WCAG contrast ratio of two opaque colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(color: Color, backgrounds: list[Color], ratio: float = AA) -> Color:
    """``color`` moved towards white or black until it reads on every one of ``backgrounds``.

    It moves the least it can (keeping its hue), towards whichever end the
    backgrounds leave more room; when no blend reads, the better of white
    and black is returned.
    """

    def worst(candidate: Color) -> float:
        return min(contrast(candidate, b) for b in backgrounds)

    white, black = Color(255, 255, 255), Color(0, 0, 0)
    ends = sorted((white, black), key=worst, reverse=True)
    for target in ends:
        for step in range(21):
            candidate = color.blend(target, step / 20)
            if worst(candidate) >= ratio:
                return candidate
    return ends[0]


def _parse(variables: dict[str, str], name: str, fallback: str) -> Color:
    try:
        return Color.parse(variables.get(name, fallback))
    except Exception:  # "auto 60%" and the like: not a colour on its own
        return Color.parse(fallback)


def reader_variables(variables: dict[str, str], dark: bool) -> dict[str, str]:
    """The reader's CSS variables for a theme whose Textual variables are ``variables``."""
    surface = _parse(variables, "surface", "#1e1e1e")
    panel = _parse(variables, "panel", "#242f38")
    primary = _parse(variables, "primary", "#0178d4")
    accent = _parse(variables, "accent", "#fea62b")
    foreground = _parse(variables, "foreground", "#e0e0e0")
    footer = _parse(variables, "footer-background", panel.hex)
    # The backgrounds text sits on: a light theme takes lighter tints.
    cursor = surface.blend(primary, 0.35 if dark else 0.18)
    blurred = surface.blend(primary, 0.15 if dark else 0.08)
    selected = surface.blend(accent, 0.15 if dark else 0.18)
    rows = [surface, panel, cursor, blurred, selected]

    def text(name: str, fallback: str) -> str:
        return readable(_parse(variables, name, fallback), rows).hex

    return {
        "brief-cursor": cursor.hex,
        "brief-cursor-blurred": blurred.hex,
        "brief-selected": selected.hex,
        "brief-text": readable(foreground, rows).hex,
        "brief-muted": readable(foreground.blend(surface, 0.4), rows).hex,
        "brief-accent": text("text-accent", accent.hex),
        "brief-star": text("text-warning", accent.hex),
        "brief-success": text("text-success", "#8ad4a1"),
        # Textual's own footer keys: blue on grey in the light theme is 2.9:1.
        "footer-key-foreground": readable(
            _parse(variables, "footer-key-foreground", accent.hex), [footer]
        ).hex,
    }
