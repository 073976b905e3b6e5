"""The one hardened lxml XML parser, and the entity-declaration check that runs first.

Feeds and OPML files are untrusted XML, read by :mod:`briefterm.parse` and
:mod:`briefterm.opml` under the same two rules:

1. A document whose DOCTYPE declares entities is refused before any parser
   sees it (:func:`declares_entities`). Internal entities are the "billion
   laughs" bomb (a 130 KB file that expands to gigabytes in feedparser's
   loose parser), SYSTEM entities are XXE. Real feeds and OPML files never
   need them.
2. Whatever is parsed goes through one configuration (:func:`fromstring`):
   no entity resolution, no network, no DTD loading, no huge trees; comments
   and processing instructions are dropped.

The module only answers and parses; each caller raises its own error with a
message for its own users.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

__all__ = ["declares_entities", "fromstring", "parser", "tree_declares_entities"]

# Entities can only be declared inside a DOCTYPE, so a document needs both
# markers to declare one. Looking for "<!ENTITY" anywhere is cruder than
# finding the internal subset, but cannot be fooled by a "]>" inside an
# entity value.
_MARKERS = ("<!DOCTYPE", "<!ENTITY")
# Raw bytes whose encoding is not known yet are searched in every encoding
# that can spell the markers: "ascii" stands for UTF-8 and each ASCII-based
# legacy encoding, where the markers are the same bytes.
_BYTE_CODECS = ("ascii", "utf-16-le", "utf-16-be")


def _text_pattern(marker: str) -> re.Pattern[str]:
    # Case-insensitive by character classes: re.IGNORECASE is slower, and
    # this runs over every feed.
    return re.compile(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in marker)
    )


def _bytes_pattern(marker: str, codec: str) -> re.Pattern[bytes]:
    return re.compile(
        b"".join(
            b"(?:"
            + b"|".join(re.escape(v.encode(codec)) for v in sorted({c.lower(), c.upper()}))
            + b")"
            for c in marker
        )
    )


_TEXT_PATTERNS = tuple(_text_pattern(marker) for marker in _MARKERS)
_BYTES_PATTERNS = tuple(
    tuple(_bytes_pattern(marker, codec) for marker in _MARKERS) for codec in _BYTE_CODECS
)


def declares_entities(document: str | bytes) -> bool:
    """True when ``document`` has a DOCTYPE and an ``<!ENTITY`` declaration.

    Text is checked as it is; bytes of an unknown encoding are checked as
    UTF-8 (or any ASCII-based encoding) and as UTF-16 in both byte orders.
    """
    if isinstance(document, str):
        return all(pattern.search(document) for pattern in _TEXT_PATTERNS)
    return any(
        all(pattern.search(document) for pattern in patterns) for patterns in _BYTES_PATTERNS
    )


def tree_declares_entities(root: etree._Element) -> bool:
    """True when a parsed document's internal DTD declares entities.

    A second check after parsing, for encodings :func:`declares_entities`
    cannot read in raw bytes (UTF-32, EBCDIC); the parser has not expanded
    them, since it never resolves entities.
    """
    dtd = root.getroottree().docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


_local = threading.local()


def parser(*, recover: bool = False) -> etree.XMLParser:
    """This thread's hardened parser: strict, or lxml's *recover* mode.

    lxml parsers must not be shared between threads (the poller parses in
    worker threads), so each thread gets its own pair and reuses it.
    """
    name = "recover" if recover else "strict"
    found: etree.XMLParser | None = getattr(_local, name, None)
    if found is None:
        found = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
            # collect_ids=False would make libxml2 try to fetch external DTDs
            # (blocked by no_network, but it then fails the whole parse).
            recover=recover,
        )
        setattr(_local, name, found)
    return found


def fromstring(data: bytes, *, recover: bool = False) -> etree._Element:
    """Parse ``data`` with this thread's hardened parser.

    Raises :class:`lxml.etree.XMLSyntaxError` when the bytes are not
    well-formed (in strict mode) and ``ValueError`` for input lxml rejects
    outright. Check :func:`declares_entities` first.
    """
    return etree.fromstring(data, parser(recover=recover))
