"""Which section of the brief an entry belongs to.

Rules come from ``[[sections]]`` in the config and are compiled once by
:meth:`SectionRules.from_config`; :meth:`SectionRules.assign` is then a few
dictionary look-ups and at most one RE2 search per section, which keeps
assigning 5,000 entries well under a few milliseconds.

Precedence (first match wins). The user's own folders come first: a
feed's ``section`` (an OPML folder, ``add --section``) is where the user put
the feed, so a keyword rule does not pull its entries elsewhere unless the
rule says it overrides:

1. the first ``[[sections]]`` with ``override = true`` whose rules match
   the entry (any rule);
2. the first ``[[sections]]`` whose ``feeds`` rule names the entry's feed
   (naming the feed is placing it, like its own ``section``);
3. the feed's own ``section`` (``[[feeds]] section = "..."``);
4. the first ``[[sections]]`` whose other rules match (entry category,
   keyword, regex pattern, author);
5. a configured section whose name equals one of the entry's categories;
6. :data:`OTHER`.

:func:`resolve_section_name` turns a name the user typed (``--section``)
into the section's own spelling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from briefterm.config.types import Config, SectionConfig
from briefterm.errors import UsageError
from briefterm.models import Entry
from briefterm.userregex import Matcher, compile_any

OTHER = "Other"
"""Section for entries no rule places anywhere; always shown last."""


@dataclass(frozen=True, slots=True)
class _CompiledSection:
    """One ``[[sections]]`` entry with its rules prepared for fast matching."""

    name: str
    feeds: frozenset[str]  # lowercased feed names and URLs
    categories: frozenset[str]  # casefolded
    text: Matcher | None  # keywords and patterns as one alternation
    authors: tuple[str, ...]  # casefolded substrings
    override: bool = False

    def matches(self, entry: Entry) -> bool:
        """True when any of this section's rules matches ``entry``."""
        return self.names_feed(entry) or self.matches_content(entry)

    def names_feed(self, entry: Entry) -> bool:
        """True when the ``feeds`` rule lists the entry's feed (by name or URL)."""
        return bool(self.feeds) and (
            entry.feed_url.lower() in self.feeds or entry.feed_title.lower() in self.feeds
        )

    def matches_content(self, entry: Entry) -> bool:
        """True when a category, keyword, pattern or author rule matches ``entry``."""
        if self.categories and any(c.casefold() in self.categories for c in entry.categories):
            return True
        if self.text is not None and (
            self.text.search(entry.title) or self.text.search(entry.summary)
        ):
            return True
        if self.authors and entry.author:
            author = entry.author.casefold()
            return any(a in author for a in self.authors)
        return False


def _compile_text_rules(section: SectionConfig) -> Matcher | None:
    """Keywords (literal substrings) and patterns (regexes) as one RE2 matcher.

    Substring matching (no word boundaries) is deliberate: it is what makes a
    keyword like "芯片" match Chinese text, which has no spaces between words.
    Patterns run on RE2 (:mod:`briefterm.userregex`): linear time in the
    text whatever the pattern, because titles and summaries are untrusted.
    A pattern RE2 refuses is skipped here; config validation reports it.
    """
    return compile_any(section.keywords, section.patterns)


class SectionRules:
    """Compiled section rules of one config; build with :meth:`from_config`."""

    def __init__(
        self,
        sections: Iterable[_CompiledSection],
        feed_sections: dict[str, str],
        limits: dict[str, int | None],
    ) -> None:
        self._sections = tuple(sections)
        self._feed_sections = feed_sections
        self._limits = limits
        # Configured section names by casefolded name, for the category fallback.
        self._by_category = {s.name.casefold(): s.name for s in self._sections}
        # Display order: configured sections, then feed sections in config order.
        order: list[str] = [s.name for s in self._sections]
        for name in feed_sections.values():
            if name not in order:
                order.append(name)
        self._order = order

    @classmethod
    def from_config(cls, config: Config) -> SectionRules:
        """Compile the ``[[sections]]`` rules and feed sections of ``config``."""
        compiled = []
        for section in config.sections:
            feed_keys = {f.lower() for f in section.feeds if f}
            # A feed listed by its config name also matches by URL, because
            # the feed row's title may be the feed's own title, not the name.
            for feed in config.feeds:
                if feed.name and feed.name.lower() in feed_keys:
                    feed_keys.add(feed.url.lower())
            compiled.append(
                _CompiledSection(
                    name=section.name,
                    feeds=frozenset(feed_keys),
                    categories=frozenset(c.casefold() for c in section.categories),
                    text=_compile_text_rules(section),
                    authors=tuple(a.casefold() for a in section.authors if a),
                    override=section.override,
                )
            )
        feed_sections = {f.url: f.section for f in config.feeds if f.section}
        limits = {s.name: s.limit for s in config.sections}
        return cls(compiled, feed_sections, limits)

    def feed_section(self, feed_url: str) -> str:
        """The section configured on the feed with this URL ('' if none)."""
        return self._feed_sections.get(feed_url, "")

    def assign(self, entry: Entry, feed_section: str | None = None) -> str:
        """The section name for ``entry``.

        ``feed_section`` is the feed's configured section; when None it is
        looked up from the config by the entry's feed URL. See the module
        docstring for the order of the rules.
        """
        sections = self._sections
        for section in sections:
            if section.override and section.matches(entry):
                return section.name
        for section in sections:
            if section.names_feed(entry):
                return section.name
        if feed_section is None:
            feed_section = self._feed_sections.get(entry.feed_url, "")
        if feed_section:
            return feed_section
        for section in sections:
            if section.matches_content(entry):
                return section.name
        for category in entry.categories:
            name = self._by_category.get(category.casefold())
            if name is not None:
                return name
        return OTHER

    def limit(self, name: str) -> int | None:
        """The item cap of a section (None = no cap)."""
        return self._limits.get(name)

    def order(self, names: Iterable[str]) -> list[str]:
        """Sort section names for display.

        Configured sections first (config order), then feed sections (config
        order of the feeds), then any other names in order of first
        appearance in ``names``, then :data:`OTHER` last.
        """
        present = list(dict.fromkeys(names))
        known = [n for n in self._order if n in present and n != OTHER]
        rest = [n for n in present if n not in self._order and n != OTHER]
        tail = [OTHER] if OTHER in present else []
        return [*known, *rest, *tail]


def resolve_section_name(config: Config, name: str) -> str:
    """The section ``name`` denotes (case-insensitive) if a rule or feed can fill it.

    Raises :class:`UsageError` listing the known sections otherwise.
    """
    names = [s.name for s in config.sections] + [f.section for f in config.feeds if f.section]
    names.append(OTHER)
    for known in names:
        if known.casefold() == name.strip().casefold():
            return known
    listed = ", ".join(dict.fromkeys(names))
    raise UsageError(f"no section {name!r} in the configuration (sections: {listed})")
