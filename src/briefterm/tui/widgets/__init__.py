"""Widgets of the reader."""

from briefterm.tui.widgets.cursor_list import CursorList
from briefterm.tui.widgets.detail import DetailPane
from briefterm.tui.widgets.entry_list import EntryList, RowSource
from briefterm.tui.widgets.link_list import LinkList
from briefterm.tui.widgets.search_bar import SearchBar
from briefterm.tui.widgets.section_list import SectionList, SectionRow
from briefterm.tui.widgets.selection_status import SelectionStatus
from briefterm.tui.widgets.title_bar import TitleBar

__all__ = [
    "CursorList",
    "DetailPane",
    "EntryList",
    "LinkList",
    "RowSource",
    "SearchBar",
    "SectionList",
    "SectionRow",
    "SelectionStatus",
    "TitleBar",
]
