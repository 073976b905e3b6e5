"""html_to_text: untrusted HTML → one sanitized line, with regular expressions, for summaries.

It runs at poll time for every entry (see the package docstring), so it is
linear in its input whatever the input: no pattern may scan past the next
'<', and hidden elements and comments are dropped in single passes.
"""

from __future__ import annotations

import html
import re

from briefterm.sanitize import nfc, strip_controls, truncate

# --------------------------------------------------------------------------
# html_to_text: regex based, for summaries
# --------------------------------------------------------------------------

# Elements whose *content* is never readable text. Not <embed> (a void
# element: the text after it is the page's) nor <object>/<applet>, whose
# content is the fallback text a browser shows in their place.
_HIDDEN = "script|style|iframe|noscript|template|svg|math|head|title|textarea|select"


def _any_case(words: str) -> str:
    # "[sS][cC]..." instead of re.IGNORECASE, which is 2x slower in CPython's
    # regex engine; these patterns run on every summary of every poll.
    return "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)
        for word in words.split("|")
    )


_HIDDEN_START = re.compile(rf"<({_any_case(_HIDDEN)})\b")
_HIDDEN_END = {name: re.compile(rf"</{_any_case(name)}\s*>") for name in _HIDDEN.split("|")}
# Block boundaries become spaces so "<p>a</p><p>b</p>" reads "a b", not "ab".
# Both tag patterns allow quoted attribute values containing '>' (written as
# unrolled loops: much faster than an alternation per character). "a < b" is
# not a tag. No part of a tag may contain '<': a match attempt then never
# scans past the next '<', which keeps hostile input ("<a<a<a...", unclosed
# quotes) linear instead of quadratic.
_ATTRS = r"""[^<>"']*(?:(?:"[^"<]*"|'[^'<]*')[^<>"']*)*"""
_BLOCK_NAMES = (
    "p|div|br|li|ul|ol|h1|h2|h3|h4|h5|h6|tr|td|th|table|blockquote|pre|section|article|header"
    "|footer|figure|figcaption|dd|dt|dl|hr|img|aside|nav|main|address|center"
)
_BLOCK_TAG = re.compile(rf"</?(?:{_any_case(_BLOCK_NAMES)})\b{_ATTRS}>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*\b" + _ATTRS + r">|<![^<>]*>|<\?[^<>]*>")
# What _TAG leaves: a tag with an unbalanced quote (`<a href=x">`), which an
# HTML tokenizer still ends at the first '>'.
_LOOSE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*\b[^<>]*>")


def _drop_comments(text: str) -> str:
    """Remove ``<!-- ... -->`` comments in one linear pass.

    A comment that is never closed ends at the next '>', as in feedparser
    and the SGML parsers feeds were written for (``sa<!-- -- x >fe`` reads
    "safe"), not at the end of the text.
    """
    out: list[str] = []
    pos = 0
    closers = True  # False once no "-->" is left: searching again would be quadratic
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])  # a comment is no word break: "a<!-- -->b" reads "ab"
        end = text.find("-->", start + 4) if closers else -1
        if end >= 0:
            pos = end + 3
            continue
        closers = False
        end = text.find(">", start + 4)
        if end < 0:
            break
        pos = end + 1
    return "".join(out)


def _drop_hidden(text: str) -> str:
    """Remove script/style/... elements with their content, in one linear pass."""
    out: list[str] = []
    pos = 0
    while True:
        start = _HIDDEN_START.search(text, pos)
        if start is None:
            out.append(text[pos:])
            break
        out.append(text[pos : start.start()])
        out.append(" ")
        end = _HIDDEN_END[start.group(1).lower()].search(text, start.end())
        if end is None:
            break  # unclosed: it swallows the rest, as in a browser
        pos = end.end()
    return "".join(out)


def html_to_text(fragment: str | None, *, max_length: int | None = None) -> str:
    """Return the readable text of an HTML fragment as one sanitized line.

    Tags are removed (block tags become spaces), script/style/iframe content
    is dropped, entities are decoded *after* tag removal (so ``&lt;b&gt;``
    stays the literal text ``<b>``), whitespace is collapsed and the result
    passes :func:`briefterm.sanitize.clean_line`.
    """
    if not fragment:
        return ""
    if max_length is not None and len(fragment) > 4 * max_length + 400:
        # A long body: converting its head is usually enough for a blurb.
        head = fragment[: 4 * max_length]
        if head.rfind("<") > head.rfind(">"):
            head = head[: head.rfind("<")]  # do not leave half a tag as text
        text = _to_text(head, None)
        if len(text) > max_length:
            return truncate(text, max_length)
    return _to_text(fragment, max_length)


def _to_text(fragment: str, max_length: int | None) -> str:
    text = fragment
    if "<" in text:
        if "<!--" in text:
            text = _drop_comments(text)
        if _HIDDEN_START.search(text):
            text = _drop_hidden(text)
        text = _BLOCK_TAG.sub(" ", text)
        text = _TAG.sub("", text)
        if "<" in text:
            text = _LOOSE_TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    # The result is in sanitize.clean_line's normal form (the tests check
    # that), but str.split collapses whitespace several times faster than
    # clean_line's regex, which matters because this runs for every entry of
    # every poll. A printable string holds nothing strip_controls removes: C0,
    # C1, bidi controls, line separators and BOMs are all non-printable.
    line = " ".join(text.split())
    if not line.isprintable():
        line = " ".join(strip_controls(text).split())
    return truncate(nfc(line), max_length)
