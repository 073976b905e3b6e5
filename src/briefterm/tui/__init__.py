"""The Textual reader. Only this package imports Textual; the core never does.

Importing the package itself stays light: ``briefterm.tui.bindings`` (the key
table ``config check`` validates against), ``view_model``, ``selection``, the
row rules ``row_layout``, ``story_text`` and ``article_links``, and the
controllers ``_marking``, ``_copying`` and ``_heap`` import no Textual.
"""
