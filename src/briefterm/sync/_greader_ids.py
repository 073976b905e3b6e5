"""Google Reader API item ids: the forms servers send, one canonical key, the form sent back."""

from __future__ import annotations

LONG_ID_PREFIX = "tag:google.com,2005:reader/item/"
_U64 = 1 << 64
OBJECT_ID_DIGITS = 24
"""The Old Reader's item ids: 24 hex digits."""


def canonical_id(value: object) -> str | None:
    """An item id in any form the servers use, as one canonical string, or None.

    * ``tag:google.com,2005:reader/item/<up to 16 hex>`` and decimal (signed
      or unsigned 64-bit) are one number: its unsigned decimal string;
    * The Old Reader's 24-hex ids (MongoDB object ids), bare or in the long
      form, are 96 bits: no decimal form exists, so they stay lower-case hex.
      Both forms of an id give the same key, and the two kinds never clash
      (24 hex digits are never a decimal id: those have at most 20 digits).
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.startswith(LONG_ID_PREFIX):
        digits = text.removeprefix(LONG_ID_PREFIX)
        if len(digits) == OBJECT_ID_DIGITS:
            return _object_id(digits)
        if not 1 <= len(digits) <= 16 or not _is_hex(digits):
            return None
        return str(int(digits, 16))
    if len(text) == OBJECT_ID_DIGITS:
        return _object_id(text)
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        return None
    number = int(text, 10)
    # Google's short ids are signed 64-bit; the long form is the unsigned hex.
    if -(1 << 63) <= number < 0:
        number += _U64
    return str(number) if 0 <= number < _U64 else None


def wire_id(canonical: str) -> str:
    """How an id of :func:`canonical_id` goes into ``i=``: decimal as is, 24-hex long form."""
    if len(canonical) == OBJECT_ID_DIGITS:  # decimal ids have at most 20 digits
        return LONG_ID_PREFIX + canonical
    return canonical


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _object_id(digits: str) -> str | None:
    return digits.lower() if _is_hex(digits) else None
