"""lxml element helpers the walkers share: namespaces, tag keys, text, inner HTML, links."""

from __future__ import annotations

import html as htmlmod
from collections.abc import Callable, Mapping
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from briefterm import xmlsafe

NS_ATOM10 = "http://www.w3.org/2005/Atom"
NS_ATOM03 = "http://purl.org/atom/ns#"
NS_RSS10 = "http://purl.org/rss/1.0/"
NS_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tag_keys(prefixes: Mapping[str, str], *, bare: bool) -> Callable[[str], str | None]:
    """A cached ``tag -> key`` lookup: ``{namespace}local`` becomes ``prefix + local``.

    Namespaces missing from ``prefixes`` give None, so a walker skips them;
    so do tags without a namespace unless ``bare`` keeps them as they are.
    """

    @lru_cache(maxsize=1024)
    def key(tag: str) -> str | None:
        if tag[0] != "{":
            return tag if bare else None
        ns, _, local = tag[1:].partition("}")
        prefix = prefixes.get(ns)
        return None if prefix is None else prefix + local

    return key


def element_text(el: etree._Element) -> str:
    """The text content of ``el`` and its descendants."""
    if len(el) == 0:
        return el.text or ""
    return "".join(el.itertext())


def inner_html(el: etree._Element) -> str:
    """Text plus serialized children (for HTML left unescaped inside a feed)."""
    if len(el) == 0:
        return el.text or ""
    parts = [htmlmod.escape(el.text or "", quote=False)]
    for child in el:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def xhtml_inner(el: etree._Element) -> str:
    """Atom type="xhtml": the content of the wrapping <div>, namespaces removed."""
    container = el
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) == 1 and etree.QName(children[0]).localname == "div":
        container = children[0]
    copy = xmlsafe.fromstring(etree.tostring(container))
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = node.tag.partition("}")[2]
    etree.cleanup_namespaces(copy)
    parts = [htmlmod.escape(copy.text or "", quote=False)]
    for child in copy:
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return "".join(parts)


def xml_base(el: etree._Element, inherited: str) -> str:
    """The base URL inside ``el``: its ``xml:base`` resolved against ``inherited``."""
    value = el.get(XML_BASE)
    if not value:
        return inherited
    return join_url(inherited, value)


def join_url(base_url: str, href: str | None) -> str:
    """``href`` resolved against ``base_url``; '' for no href, ``href`` when it cannot be."""
    if not href:
        return ""
    href = href.strip()
    if not base_url:
        return href
    try:
        return urljoin(base_url, href)
    except ValueError:
        return href


def enclosure(el: etree._Element, href: str, size: str = "length") -> tuple[str, str, str]:
    """(href, type, length) of an enclosure element; the length is the ``size`` attribute."""
    return href, el.get("type") or "", (el.get(size) or "").strip()
