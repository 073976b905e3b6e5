"""The Textual reader. Only this package imports Textual; the core never does."""
