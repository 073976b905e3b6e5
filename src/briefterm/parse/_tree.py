"""The fast path: parse with the hardened lxml parser and hand the root to its dialect's walker."""

from __future__ import annotations

from lxml import etree

from briefterm import xmlsafe
from briefterm.parse._atom import walk_atom
from briefterm.parse._elements import NS_RDF
from briefterm.parse._raw import RawFeed
from briefterm.parse._rss import walk_rss


def parse_xml(data: bytes, *, recover: bool) -> etree._Element | None:
    """The root of ``data`` (lxml's *recover* mode if asked), or None when it is not XML."""
    return parse_strict(data, recover=recover)[0]


def parse_strict(data: bytes, *, recover: bool = False) -> tuple[etree._Element | None, bool]:
    """(root or None, whether the parser stopped because elements nest too deeply)."""
    try:
        return xmlsafe.fromstring(data, recover=recover), False
    except etree.XMLSyntaxError as exc:
        return None, "Excessive depth" in str(exc)
    except ValueError:
        return None, False


def walk_tree(root: etree._Element, url: str) -> RawFeed | None:
    """Read an RSS, RDF, CDF or Atom root; None for any other document.

    A ``<feed>`` in no namespace or an unknown one is tried as Atom.
    """
    if not isinstance(root.tag, str):
        return None
    qname = etree.QName(root)
    local = qname.localname.lower()
    if local in ("rss", "channel") or (local == "rdf" and qname.namespace == NS_RDF):
        return walk_rss(root, url)
    if local == "feed":
        return walk_atom(root, url)
    return None
