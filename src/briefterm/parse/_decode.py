"""Feed bytes → text, and that text made readable for lxml.

The bytes are decoded in Python, not by lxml, so the entity check and the
sniffing see real text whatever the encoding: BOM, XML prolog, HTTP
charset, then heuristics (:func:`decode`). lxml then gets UTF-8 with a
prolog that says so (:func:`xml_bytes`).
"""

from __future__ import annotations

import codecs
import re

from briefterm.sanitize import strip_controls

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it shares the prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PROLOG_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""")
_PROLOG_ENCODING_STR = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._:\-]+(["'])""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
# Python codec name → the superset that real-world documents labelled so use
# (as browsers do): GB2312/GBK text routinely contains GB18030-only characters,
# "ISO-8859-1" pages are windows-1252, "Shift_JIS" is Microsoft's CP932.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip()).name
    except LookupError:
        return None
    # A prolog we could read as ASCII cannot be UTF-16/32, whatever it says.
    if canonical.startswith(("utf-16", "utf-32")):
        return None
    return _SUPERSETS.get(canonical, canonical)


def _guess_legacy(data: bytes) -> str:
    """Pick a legacy encoding for undeclared, non-UTF-8 bytes."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return "cp1252"
    non_ascii = len(_NON_ASCII.findall(text))
    # Western text decoded as GB18030 rarely survives strictly, and when it
    # does it yields symbols, not a page of CJK ideographs.
    if non_ascii and len(_CJK.findall(text)) >= 0.9 * non_ascii:
        return "gb18030"
    return "cp1252"


# "<?xm" in every EBCDIC code page: such a document names its code page in
# a prolog that ASCII-based sniffing cannot read.
_EBCDIC_PROLOG = b"\x4c\x6f\xa7\x94"


def _ebcdic(data: bytes) -> str:
    """Decode an EBCDIC document by the code page its prolog names (cp037 if none)."""
    head = data[:256].decode("cp037", "replace")
    match = _PROLOG_ENCODING_STR.match(head)
    codec = "cp037"
    if match:
        name = head[match.end(1) : match.start(2)]
        try:
            found = codecs.lookup(name).name
        except LookupError:
            found = codec
        if "<?xml".encode(found, "replace") == data[:5]:  # really an EBCDIC page
            codec = found
    return data.decode(codec, "replace")


def decode(data: bytes, content_type: str | None) -> tuple[str, list[str]]:
    """Decode feed bytes to text; never raises. Returns (text, warnings)."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, "replace"), []
    if data.startswith(_EBCDIC_PROLOG):
        return _ebcdic(data), []
    if data.startswith(b"<\x00?\x00"):
        return data.decode("utf-16-le", "replace"), []
    if data.startswith(b"\x00<\x00?"):
        return data.decode("utf-16-be", "replace"), []
    match = _PROLOG_ENCODING.match(data[:1024])
    declared = _codec(match.group(1).decode("ascii")) if match else None
    charset = _CHARSET.search(content_type or "")
    from_http = _codec(charset.group(1)) if charset else None
    # The document's own label first, then the HTTP header's.
    labelled = [name for name in (declared, from_http) if name and name != "utf-8"]
    # Valid UTF-8 with non-ASCII bytes is almost never anything else, so UTF-8
    # goes first: it fixes the common "declares ISO-8859-1, sends UTF-8" feed.
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    for encoding in labelled:
        try:
            return data.decode(encoding), []
        except UnicodeDecodeError:
            pass
    as_utf8 = data.decode("utf-8", "replace")
    bad = as_utf8.count("\ufffd")
    if len(_NON_ASCII.findall(as_utf8)) - bad > bad:
        return as_utf8, ["the feed contains bytes that are not valid UTF-8; they were replaced"]
    if labelled:
        warning = f"the feed is not valid {labelled[0]}; undecodable bytes were replaced"
        return data.decode(labelled[0], "replace"), [warning]
    guess = _guess_legacy(data)
    warning = f"the feed does not declare its encoding and is not UTF-8; decoded it as {guess}"
    return data.decode(guess, "replace"), [warning]


def xml_bytes(text: str) -> tuple[str, bytes]:
    """Decoded feed text ready for lxml: (the text, its UTF-8 bytes).

    Whitespace before "<?xml" is a fatal error for lxml and common in feeds
    generated by templates; the prolog's encoding is rewritten because the
    text is already decoded and is handed to lxml as UTF-8.
    """
    text = text.lstrip()
    prolog = _PROLOG_ENCODING_STR.match(text)
    if prolog:
        text = f"{prolog.group(1)}UTF-8{prolog.group(2)}{text[prolog.end() :]}"
    return text, text.encode("utf-8", "replace")


_RAW_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHAR_REF = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,16})|0*(\d{1,20}));")


def _is_high(value: int) -> bool:
    return 0xD800 <= value <= 0xDBFF


def _ref_value(match: re.Match[str]) -> int:
    return int(match.group(1), 16) if match.group(1) else int(match.group(2))


def _fixed_ref(value: int, ref: str) -> str:
    """What an XML 1.0 parser can read in place of the character reference ``ref``."""
    if value in (0x09, 0x0A, 0x0D) or 0x20 <= value <= 0xD7FF or 0xE000 <= value <= 0xFFFD:
        return ref
    if 0x10000 <= value <= 0x10FFFF:
        return ref
    if value < 0x20:
        return chr(value)  # a control: strip_controls removes it with its sequence
    return "\ufffd"  # a lone surrogate, U+FFFE/U+FFFF, or past U+10FFFF


def _fix_char_refs(text: str) -> str:
    """Character references made legal; a UTF-16 surrogate pair (``&#xD83D;&#xDE00;``) joined.

    One ``&#xD800;`` makes a whole document ill-formed (and crashes
    feedparser's encoder), so it becomes U+FFFD and the item survives.
    """
    out: list[str] = []
    pos = 0
    matches = _CHAR_REF.finditer(text)
    pending: re.Match[str] | None = None
    for match in matches:
        value = _ref_value(match)
        if pending is not None:
            high = _ref_value(pending)
            if match.start() == pending.end() and 0xDC00 <= value <= 0xDFFF:
                out.append(text[pos : pending.start()])
                out.append(chr(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)))
                pos = match.end()
                pending = None
                continue
            out.append(text[pos : pending.start()])
            out.append("\ufffd")
            pos = pending.end()
            pending = None
        if _is_high(value):
            pending = match
            continue
        fixed = _fixed_ref(value, match.group(0))
        if fixed is not match.group(0):
            out.append(text[pos : match.start()])
            out.append(fixed)
            pos = match.end()
    if pending is not None:
        out.append(text[pos : pending.start()])
        out.append("\ufffd")
        pos = pending.end()
    out.append(text[pos:])
    return "".join(out)


def repair_xml_text(text: str) -> tuple[str, int]:
    """``text`` without what makes XML 1.0 ill-formed but no reader needs.

    Raw C0 controls and references to them are removed with the escape
    sequences they start (sanitizing would drop them anyway, and whole
    sequences go, so no "]52;..." debris is left); references to lone
    surrogates and non-characters become U+FFFD. Called only when the strict
    parse failed: a feed repaired so stays on the fast path. Returns the
    text and how many references became U+FFFD.
    """
    replaced = 0
    if "&#" in text:
        before = text.count("\ufffd")
        text = _fix_char_refs(text)
        replaced = text.count("\ufffd") - before
    if _RAW_ILLEGAL.search(text):
        text = strip_controls(text)
    return text, replaced
