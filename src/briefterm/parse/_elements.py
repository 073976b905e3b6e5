"""lxml element helpers the walkers share: namespaces, tag keys, text, inner HTML, links."""

from __future__ import annotations

import html as htmlmod
from collections.abc import Callable, Mapping
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from briefterm import xmlsafe
from briefterm.parse._raw import RawPerson

NS_ATOM10 = "http://www.w3.org/2005/Atom"
NS_ATOM03 = "http://purl.org/atom/ns#"
NS_RSS10 = "http://purl.org/rss/1.0/"
NS_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_DCTERMS = "http://purl.org/dc/terms/"

EXTENSION_PREFIXES = {
    # Media RSS, under the names publishers use for it.
    "http://search.yahoo.com/mrss/": "media:",
    "http://search.yahoo.com/mrss": "media:",
    "http://video.search.yahoo.com/mrss": "media:",
    "http://video.search.yahoo.com/mrss/": "media:",
    # iTunes podcasts: namespace URIs are case-sensitive, feeds are not.
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes:",
    "http://www.itunes.com/DTDs/Podcast-1.0.dtd": "itunes:",
    "http://www.itunes.com/DTDs/PodCast-1.0.dtd": "itunes:",
    "https://www.itunes.com/dtds/podcast-1.0.dtd": "itunes:",
    # Google Play's podcast tags have the iTunes names (author, image, ...).
    "http://www.google.com/schemas/play-podcasts/1.0": "itunes:",
    NS_DC: "dc:",
    NS_DCTERMS: "dcterms:",
}
"""Namespaces both the RSS and the Atom walkers read, and their key prefixes."""
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tag_keys(
    prefixes: Mapping[str, str], *, bare: bool, fold: bool = False
) -> Callable[[str], str | None]:
    """A cached ``tag -> key`` lookup: ``{namespace}local`` becomes ``prefix + local``.

    Namespaces missing from ``prefixes`` give None, so a walker skips them;
    so do tags without a namespace unless ``bare`` keeps them as they are.
    ``fold`` lower-cases the local names of tags without a namespace or with
    the prefix "": the core elements of RSS, which CDF writes as ``<TITLE>``
    and which iTunes reads case-insensitively.
    """

    @lru_cache(maxsize=1024)
    def key(tag: str) -> str | None:
        if tag[0] != "{":
            return (tag.lower() if fold else tag) if bare else None
        ns, _, local = tag[1:].partition("}")
        prefix = prefixes.get(ns)
        if prefix is None:
            return None
        return local.lower() if fold and not prefix else prefix + local

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


def local_name(tag: str) -> str:
    """``{namespace}local`` → ``local``, lower-cased."""
    return tag.rpartition("}")[2].lower()


def person(el: etree._Element) -> RawPerson:
    """(name, e-mail, uri) of an author element.

    Atom's ``<name>``/``<email>``/``<uri>`` children (and the same names in
    RSS feeds that borrow them, in any namespace) are read apart, so
    ``<name>Ann</name><title>Editor</title>`` gives "Ann", not "AnnEditor".
    Without such children the element's own text is the name.
    """
    name = email = uri = ""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        local = local_name(child.tag)
        if local == "name" and not name:
            name = element_text(child)
        elif local == "email" and not email:
            email = element_text(child)
        elif local in ("uri", "url") and not uri:
            uri = element_text(child).strip()
    if not (name or email or uri):
        name = el.text or ""
    return name, email, uri


_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
}


def image_type(url: str) -> str:
    """The media type of an image URL, from its extension; ``image/*`` when it has none."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return "image/*"
    return _IMAGE_TYPES.get(path.rpartition(".")[2].lower(), "image/*")


def text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, its blank-line paragraphs and line breaks kept.

    For descriptions that are plain text with structure (a YouTube video's
    timestamps, a JSON Feed ``content_text``): escaping alone would run
    their lines together when shown.
    """
    if "\n" not in text:
        return htmlmod.escape(text, quote=False)
    paragraphs = (p.strip() for p in text.replace("\r\n", "\n").split("\n\n"))
    return "".join(
        "<p>" + htmlmod.escape(p, quote=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
        if p
    )
