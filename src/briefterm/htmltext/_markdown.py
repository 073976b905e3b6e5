"""html_to_markdown: untrusted HTML → a safe Markdown subset, with lxml, for the detail view."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from briefterm.htmltext._text import html_to_text
from briefterm.sanitize import cap_marks, strip_controls
from briefterm.urls import safe_url

# --------------------------------------------------------------------------
# html_to_markdown: lxml based, for the detail view
# --------------------------------------------------------------------------

# Dropped with everything inside them.
_DROP = frozenset(
    [
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "option",
        "noscript",
        "template",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
        "source",
        "track",
        "param",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "map",
        "area",
        "dialog",
    ]
)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "address",
        "center",
        "figure",
        "figcaption",
        "details",
        "summary",
        "dl",
        "dt",
        "dd",
        "body",
        "html",
        "fieldset",
        "hgroup",
    ]
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_LEVEL = (
    _BLOCKS
    | frozenset(_HEADINGS)
    | frozenset({"ul", "ol", "li", "blockquote", "pre", "hr", "table", "tr", "img", "figure", "dl"})
)
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em", "cite", "dfn", "var"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})

# Markdown-significant ASCII characters are backslash-escaped everywhere in
# feed text (_MD_TABLE below); '&' too, because Markdown decodes entities like
# "&#27;" (ESC).
# Characters that only matter at the start of a line (headings, lists, quotes,
# setext underlines, ordered lists "1." / "1)").
_LINE_START = re.compile(r"^(\s*)([#+=\-]|\d+(?=[.)]))", re.MULTILINE)
_WS = re.compile(r"[ \t\n\r\f\v\u00a0]+")
_MANY_BLANKS = re.compile(r"\n{3,}")


_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>|~&]")
_MD_TABLE = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|~&"})


def _escape(text: str) -> str:
    # Controls go first so an ESC can never pair up with an escaping backslash.
    if not text.isprintable():  # see _to_text: printable means nothing to strip
        text = strip_controls(text)
    # Most text nodes contain nothing to escape; a search is 20x cheaper than translate.
    if _MD_SPECIAL.search(text):
        text = text.translate(_MD_TABLE)
    return text


def _escape_line_starts(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        lead, token = m.group(1), m.group(2)
        if token.isdigit():  # "2024. A year" must not become an ordered list
            return f"{lead}{token}\\"
        return f"{lead}\\{token}"

    return _LINE_START.sub(repl, text)


def _url_for_markdown(url: str) -> str:
    # Parentheses, spaces and angle brackets would end or break "(url)".
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )


@lru_cache(maxsize=2048)
def _resolve(base_url: str, href: str, allow_mailto: bool) -> str:
    if base_url:
        try:
            href = urljoin(base_url, href)
        except ValueError:
            return ""
    return _url_for_markdown(safe_url(href, allow_mailto=allow_mailto))


class _Converter:
    """Walks an lxml.html tree and emits Markdown blocks."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def link(self, href: str | None, *, allow_mailto: bool = True) -> str:
        if not href:
            return ""
        return _resolve(self.base_url, href.strip(), allow_mailto)

    # -- inline content ---------------------------------------------------

    def inline(self, el: etree._Element, *, in_link: bool = False) -> str:
        """Inline Markdown for the children (text and inline elements) of ``el``."""
        parts: list[str] = []
        if el.text:
            parts.append(_escape(el.text))
        for child in el:
            parts.append(self.inline_element(child, in_link=in_link))
            if child.tail:
                parts.append(_escape(child.tail))
        return "".join(parts)

    def inline_element(self, el: etree._Element, *, in_link: bool = False) -> str:
        tag = el.tag if isinstance(el.tag, str) else ""  # libxml2 lower-cases HTML tags
        if not tag or tag in _DROP:
            return ""
        if tag == "br":
            return "\n"
        if tag == "img":
            if in_link:  # a linked image: the link carries the URL
                alt = _escape(_WS.sub(" ", el.get("alt") or "").strip())
                return f"image: {alt}" if alt else "image"
            return self.image(el)
        if tag in _CODE:
            return self.code_span("".join(el.itertext()))
        if tag == "a" and not in_link:
            return self.anchor(el)
        inner = self.inline(el, in_link=in_link)
        if tag in _BOLD and inner.strip():
            return self.wrap(inner, "**")
        if tag in _ITALIC and inner.strip():
            return self.wrap(inner, "*")
        if tag in {"s", "strike", "del"} and inner.strip():
            return self.wrap(inner, "~~")
        if tag in _HEADINGS or tag in _BLOCKS or tag in {"li", "tr", "td", "th", "p"}:
            return " " + inner + " "
        return inner

    @staticmethod
    def wrap(inner: str, marker: str) -> str:
        # "** x**" is not bold in CommonMark: keep the spaces outside.
        stripped = _WS.sub(" ", inner).strip()
        lead = " " if inner[:1].isspace() else ""
        trail = " " if inner[-1:].isspace() else ""
        return f"{lead}{marker}{stripped}{marker}{trail}"

    @staticmethod
    def code_span(text: str) -> str:
        text = _WS.sub(" ", strip_controls(text)).strip()
        if not text:
            return ""
        longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
        fence = "`" * (longest + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    def anchor(self, el: etree._Element) -> str:
        text = _WS.sub(" ", self.inline(el, in_link=True)).strip()
        url = self.link(el.get("href"))
        if not url:
            return text
        if not text:
            text = _escape(url)
        return f"[{text}]({url})"

    def image(self, el: etree._Element) -> str:
        alt = _escape(_WS.sub(" ", el.get("alt") or el.get("title") or "").strip())
        url = self.link(el.get("src"), allow_mailto=False)
        label = f"image: {alt}" if alt else "image"
        if not url:
            return f"\\[{label}\\]" if alt else ""
        return f"\n[{label}]({url})\n"

    # -- block content ----------------------------------------------------

    def blocks(self, el: etree._Element) -> list[str]:
        """Markdown blocks for the children of a block container ``el``."""
        out: list[str] = []
        pending: list[str] = []

        def flush() -> None:
            if pending:
                para = self.paragraph("".join(pending))
                if para:
                    out.append(para)
                pending.clear()

        if el.text:
            pending.append(_escape(el.text))
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _BLOCK_LEVEL:
                flush()
                out.extend(self.block(child, tag))
            else:
                pending.append(self.inline_element(child))
            if child.tail:
                pending.append(_escape(child.tail))
        flush()
        return out

    @staticmethod
    def paragraph(text: str) -> str:
        lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        return _escape_line_starts(text)

    def block(self, el: etree._Element, tag: str) -> list[str]:
        if tag in _HEADINGS:
            text = _WS.sub(" ", self.inline(el)).strip()
            return [f"{'#' * _HEADINGS[tag]} {text}"] if text else []
        if tag in {"ul", "ol"}:
            return self.list_block(el, ordered=tag == "ol")
        if tag == "li":  # a stray <li> outside a list
            return self.list_block_items([el], ordered=False)
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(el))
            if not inner:
                return []
            return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
        if tag == "pre":
            return self.pre(el)
        if tag == "hr":
            return ["---"]
        if tag == "img":
            img = self.image(el).strip()
            return [img] if img else []
        if tag in {"table", "tr"}:
            return self.table(el)
        return self.blocks(el)

    def list_block(self, el: etree._Element, *, ordered: bool) -> list[str]:
        items = [c for c in el if isinstance(c.tag, str) and c.tag == "li"]
        # Text or elements directly inside <ul> (invalid but common) become items too.
        if not items:
            return self.blocks(el)
        return self.list_block_items(items, ordered=ordered)

    def list_block_items(self, items: list[etree._Element], *, ordered: bool) -> list[str]:
        lines: list[str] = []
        for number, item in enumerate(items, start=1):
            marker = f"{number}. " if ordered else "- "
            indent = " " * len(marker)
            body = "\n".join(self.blocks(item)) or ""
            body_lines = body.split("\n") if body else [""]
            lines.append(marker + body_lines[0])
            lines.extend(indent + line if line else "" for line in body_lines[1:])
        return ["\n".join(lines)] if lines else []

    def pre(self, el: etree._Element) -> list[str]:
        text = strip_controls("".join(el.itertext())).strip("\n")
        if not text.strip():
            return []
        longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
        fence = "`" * (longest + 1)
        return [f"{fence}\n{text}\n{fence}"]

    def table(self, el: etree._Element) -> list[str]:
        # Tables become one line per row, cells separated by " · ": readable in
        # a terminal and impossible to turn into a GFM table by accident.
        rows = [el] if el.tag == "tr" else list(el.iter("tr"))
        lines = []
        for row in rows:
            cells = [
                _WS.sub(" ", self.inline(cell)).strip()
                for cell in row
                if isinstance(cell.tag, str) and cell.tag in {"td", "th"}
            ]
            cells = [c for c in cells if c]
            if cells:
                lines.append(_escape_line_starts(" · ".join(cells)))
        if not rows:
            return self.blocks(el)
        return ["\n".join(lines)] if lines else []


_local = threading.local()


def _html_parser() -> etree.HTMLParser:
    # Parsers are not thread-safe; one per thread. No network, no comments.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
        _local.parser = parser
    return parser


# libxml2's HTML parser checks each attribute against the ones before it, so
# one tag with 20,000 attributes takes a third of a second to parse. The
# walker reads four attributes; a tag longer than this keeps only those.
_LONG_TAG_ATTRS = 2000
_LONG_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9:-]*)(\s[^<>]{{{_LONG_TAG_ATTRS},}})>")
_KEPT_ATTR = re.compile(r"""\s(href|src|alt|title)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)


def _shorten_long_tag(match: re.Match[str]) -> str:
    kept = (f" {m.group(1)}={m.group(2)}" for m in _KEPT_ATTR.finditer(match.group(2)))
    return f"<{match.group(1)}{''.join(list(kept)[:4])}>"


def html_to_markdown(fragment: str | None, base_url: str = "") -> str:
    """Convert an untrusted HTML fragment to safe Markdown for display.

    Paragraphs, headings, lists (nested), bold/italic, blockquotes, code and
    pre blocks are kept. Links become ``[text](url)`` only for http(s) and
    mailto targets (relative ones resolved against ``base_url``); images
    become a line ``[image: alt](url)``. Scripts, styles, iframes, objects and
    forms are dropped. All feed text is escaped so it cannot form Markdown
    links, images, HTML or emphasis, and control characters are removed.
    """
    if not fragment or not fragment.strip():
        return ""
    fragment = strip_controls(fragment)
    if not fragment.isascii():
        fragment = cap_marks(fragment)
    if len(fragment) > _LONG_TAG_ATTRS:
        fragment = _LONG_TAG.sub(_shorten_long_tag, fragment)
    # Plain lxml.etree elements, not lxml.html's: its per-element class lookup
    # costs a third of the walk.
    try:
        # lxml's stubs say an element, but an HTML parse may yield no document.
        root: etree._Element | None = etree.fromstring(f"<div>{fragment}</div>", _html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    body = root.find("body")
    container = body if body is not None else root
    try:
        markdown = "\n\n".join(_Converter(base_url).blocks(container))
    except RecursionError:  # absurdly deep nesting: show the text, not a traceback
        markdown = _escape(html_to_text(fragment))
    markdown = _MANY_BLANKS.sub("\n\n", strip_controls(markdown)).strip()
    if not markdown:
        # libxml2 drops what lies deeper than 256 elements: show the text
        # rather than an empty pane.
        markdown = _escape(html_to_text(fragment))
    return markdown
