"""Textual ``BINDINGS`` lists built from the plain table in :mod:`briefterm.tui.bindings`."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from briefterm.tui.bindings import Scope, in_scope


def bindings_for(*scopes: Scope) -> list[BindingType]:
    """The bindings of ``scopes``, for a widget's, screen's or app's ``BINDINGS``."""
    return [
        Binding(key.keys, key.action, key.label, show=key.show, id=key.id, tooltip=key.tooltip)
        for key in in_scope(*scopes)
    ]
