"""Full-text search: CJK bigrams over FTS5's unicode61 tokenizer, and the query.

Why not the trigram tokenizer: measured here, indexing a 50-entry feed with
trigram costs ~20 ms (every character starts a token), which made FTS the
largest cost of a first poll; unicode61 costs ~1 ms. unicode61, however,
treats a run of Chinese or Japanese characters as a single token, so "芯片"
inside "国产芯片出货" would never match. The classic answer (Lucene's CJK
bigram analyzer) is applied here: CJK runs are indexed as overlapping
character bigrams, and queries are turned into the same bigrams, as a phrase.
"""

from __future__ import annotations

import re

from briefterm.store._base import StoreBase

# Han (incl. extension A and compatibility), kana, Hangul, CJK punctuation is
# excluded so that it separates runs.
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u31f0-\u31ff]+"
)
_WORD = re.compile(r"\w+", re.UNICODE)


def _bigrams(run: str) -> str:
    if len(run) == 1:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


def index_text(text: str) -> str:
    """Text as it is stored in the FTS index: CJK runs become spaced bigrams."""
    if not text or text.isascii():
        return text
    return _CJK_RUN.sub(lambda m: f" {_bigrams(m.group())} ", text)


def fts_query(text: str) -> tuple[str | None, list[str]]:
    """Turn what the user typed into an FTS5 MATCH expression.

    Every word must match (AND); Latin words match as prefixes (``chip``
    finds "chipmaker"), CJK words as bigram phrases. Returns the expression
    (None when nothing indexable remains) and the single CJK characters that
    the index cannot find, which the caller checks with LIKE.
    """
    terms: list[str] = []
    singles: list[str] = []
    for raw_word in text.split():
        position = 0
        for match in _CJK_RUN.finditer(raw_word):
            _latin_terms(raw_word[position : match.start()], terms)
            run = match.group()
            if len(run) == 1:
                singles.append(run)
            else:
                terms.append('"' + _bigrams(run) + '"')
            position = match.end()
        _latin_terms(raw_word[position:], terms)
    return (" AND ".join(terms) if terms else None), singles


def _latin_terms(fragment: str, terms: list[str]) -> None:
    # Punctuation splits words the way unicode61 does, and quoting makes
    # FTS5 operators (AND, OR, NOT, NEAR, *, ^, :) plain text.
    for word in _WORD.findall(fragment):
        terms.append('"' + word + '"*')


class SearchMixin(StoreBase):
    """Find entries by the words of their title, summary or author."""

    def interrupt(self) -> None:
        """Stop the query running on this connection (from any thread).

        The query raises ``sqlite3.OperationalError`` ("interrupted") in the
        thread that runs it: how a search superseded by more typing ends at
        once instead of scanning a million rows for nobody.
        """
        self._db.interrupt()

    def search(self, text: str, limit: int = 500) -> list[int]:
        """Entry ids whose title, summary or author match ``text``, newest first.

        Every word must match: Latin words as prefixes ("chip" finds
        "chipmaker"), Chinese/Japanese words as substrings (via the bigram
        index, see the module docstring). A lone CJK character, which the
        bigram index cannot find, is checked with ``instr`` on the candidates.
        """
        match, singles = fts_query(text)
        if match is None and not singles:
            return []
        params: list[object] = []
        clauses: list[str] = []
        sql = "SELECT e.id FROM entries e"
        if match is not None:
            sql += " JOIN entries_fts ON entries_fts.rowid = e.id"
            clauses.append("entries_fts MATCH ?")
            params.append(match)
        for char in singles:
            clauses.append("(instr(e.title, ?) OR instr(e.summary, ?) OR instr(e.author, ?))")
            params.extend([char] * 3)
        sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY e.sort_time DESC, e.id DESC LIMIT {int(limit)}"
        return [eid for (eid,) in self._tuples(sql, params)]
