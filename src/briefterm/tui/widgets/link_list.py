"""The story pane's numbered links: "[2] Spec sheet", its URL wrapped beneath.

Laid out for the widget's width whenever it changes (URLs break after
``/ ? & = #``, see :mod:`briefterm.tui.article_links`); a click on any line
of a link chooses it, and the reader opens it through the same safe path
as ``o``. Feed text reaches the screen as :class:`Text`, never markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from briefterm.tui.article_links import Link, wrap_url
from briefterm.tui.row_layout import wrap

URL_INDENT = 5  # "[12] " and the URL lines under the label


class LinkList(Widget):
    """Numbered links of one story; see the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "link-list--heading",
        "link-list--number",
        "link-list--label",
        "link-list--url",
    }

    DEFAULT_CSS = """
    LinkList {
        height: auto;
        margin: 0 0 1 0;
        & > .link-list--heading { color: $brief-accent; text-style: bold; }
        & > .link-list--number { color: $brief-accent; text-style: bold; }
        & > .link-list--label { color: $brief-text; }
        & > .link-list--url { color: $brief-muted; text-style: underline; }
    }
    """

    class Chosen(Message):
        """The user chose ``link`` (a click here, or its number key in the story pane)."""

        def __init__(self, link_list: LinkList, link: Link) -> None:
            super().__init__()
            self.link_list = link_list
            self.link = link

        @property
        def control(self) -> LinkList:
            """The list the link is in."""
            return self.link_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.links: list[Link] = []
        self._laid: tuple[int, list[tuple[int, Text]]] | None = None

    def set_links(self, links: list[Link]) -> None:
        """Show ``links`` (an empty list hides the widget)."""
        self.links = links
        self._laid = None
        self.display = bool(links)
        self.refresh(layout=True)

    def link(self, number: int) -> Link | None:
        """The link numbered ``number``, if there is one."""
        return self.links[number - 1] if 0 < number <= len(self.links) else None

    def _lines(self, width: int) -> list[tuple[int, Text]]:
        """(link index, line) for every line at ``width``; the heading's index is -1."""
        if self._laid is not None and self._laid[0] == width:
            return self._laid[1]
        style = self.get_component_rich_style
        heading, number_style = style("link-list--heading"), style("link-list--number")
        label_style, url_style = style("link-list--label"), style("link-list--url")
        lines: list[tuple[int, Text]] = [(-1, Text("Links", style=heading, end=""))]
        room = max(8, width - URL_INDENT)
        for index, link in enumerate(self.links):
            number = f"[{link.number}]".ljust(URL_INDENT - 1) + " "
            for n, part in enumerate(wrap(link.label, room, 2) or [""]):
                line = Text(number if n == 0 else " " * URL_INDENT, style=number_style, end="")
                line.append(part, style=label_style)
                lines.append((index, line))
            for part in wrap_url(link.shown, room):
                line = Text(" " * URL_INDENT, end="")
                line.append(part, style=url_style)
                lines.append((index, line))
        self._laid = (width, lines)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the links take at ``width``."""
        return len(self._lines(width)) if self.links else 0

    def render(self) -> Text:
        """Every line, laid out for the current width."""
        lines = self._lines(self.content_region.width or self.size.width)
        return Text("\n", end="").join(line for _index, line in lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._laid = None  # the theme changed: styles are resolved again

    async def _on_click(self, event: events.Click) -> None:
        lines = self._lines(self.content_region.width or self.size.width)
        if 0 <= event.y < len(lines):
            index = lines[event.y][0]
            if index >= 0:
                event.stop()
                self.post_message(self.Chosen(self, self.links[index]))
