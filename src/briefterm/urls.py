"""URL rules, one owner each: which links are http(s), safe to store or open,
which host they name, and the comparison key that makes two links one article.

Every link briefterm stores, shows or opens passes :func:`safe_url`; every
URL a user types (config, ``add``, OPML) passes :func:`is_http_url`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from briefterm.sanitize import clean_line

_URL_SCHEMES_OPENABLE = ("http://", "https://")
PLAIN_HTTP_URL = re.compile(r"(?i:(https?))://([A-Za-z0-9.-]+)(?=[/?#]|\Z)")
"""An http(s) URL whose authority is a plain ASCII host name (no user, port or brackets).

Groups: the scheme and the host. urlsplit cannot fail on such a URL and
finds that host, so the code that looks at every link (``safe_url``,
outlets, share links) decides it without urlsplit's cost.
"""


def is_http_url(url: str) -> bool:
    """True for an ``http://`` or ``https://`` URL with a host and no whitespace."""
    if any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "http://[oops/" and friends
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def safe_url(url: str | None, *, allow_mailto: bool = False) -> str:
    """Return ``url`` cleaned if it is http(s) (or mailto when allowed), else ''.

    Used for every link we store or open: ``javascript:``, ``file:``,
    ``data:`` and shell-looking values never survive.
    """
    if not url:
        return ""
    if len(url) > 4096:
        return ""
    url = clean_line(url, max_length=None)
    # Whitespace inside a URL is never valid and can smuggle arguments.
    url = url.replace(" ", "%20")
    lower = url.lower()
    if lower.startswith(_URL_SCHEMES_OPENABLE):
        # A URL Python cannot take apart ("http://[oops/") would break every
        # consumer that does; no host means nothing to open.
        if PLAIN_HTTP_URL.match(url):
            return url
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return ""
        return url if host else ""
    if allow_mailto and lower.startswith("mailto:"):
        return url
    return ""


def host_of(url: str) -> str:
    """The lowercased host name of ``url``, or '' when it has none or is malformed."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def host_and_port(url: str) -> str:
    """``host:port`` of ``url`` (port '' when implicit): the key of per-host limits."""
    try:
        parts = urlsplit(url)
        return (parts.hostname or "") + ":" + str(parts.port or "")
    except ValueError:
        return ""


# Only parameters that never select content: dropping a real one ("id",
# "p", "cid" on some sites) would merge different articles.
_TRACKING_PARAMS = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "fbclid gclid dclid gbraid wbraid msclkid yclid twclid mc_cid mc_eid igshid igsh "
        "ref ref_src ref_url spm from cmpid ocid smid sr_share s_cid ncid guccounter "
        "guce_referrer guce_referrer_sig _ga _gl mkt_tok wt.mc_id at_medium at_campaign "
        "amp outputtype __twitter_impression"
    ).split()
)
_TRACKING_PREFIXES = ("utm_", "_hs", "hsa_", "pk_", "mtm_", "itm_", "stm_")
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_AMP_SEGMENT = re.compile(r"/amp(?=/|$)")


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """A comparison key for a link: the same article gives the same key.

    Drops the scheme, ``www.``/``m.``/``amp.`` host prefixes, default ports,
    fragments, trailing slashes, tracking parameters (``utm_*``, ``fbclid``,
    ``ref``, ``spm``…) and AMP variants (``/amp/``, ``/amp``, ``?amp``,
    ``.amp.html``); lowercases the host and sorts the remaining query
    parameters. Returns '' for an empty link.
    """
    url = url.strip()
    if not url:
        return ""
    # Plain string surgery rather than urlsplit: this runs for every entry
    # of every brief, and the general parser is several times slower.
    url = url.partition("#")[0]
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url.lstrip("/")
    rest, _, query = rest.partition("?")
    host, slash, path = rest.partition("/")
    host = host.rpartition("@")[2].lower()
    if not host.startswith("["):  # leave IPv6 literals alone
        name, colon, port = host.partition(":")
        if colon and port == _DEFAULT_PORTS.get(scheme.lower(), ""):
            host = name
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                changed = True

    path = slash + path
    if path.endswith(".amp.html"):
        path = path[: -len(".amp.html")] + ".html"
    elif path.endswith(".amp"):
        path = path[: -len(".amp")]
    if "/amp" in path:
        path = _AMP_SEGMENT.sub("", path)
    path = path.rstrip("/")

    key = host + path
    if query:
        params = [
            (k, v)
            for k, v in parse_qsl(query, keep_blank_values=True)
            if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith(_TRACKING_PREFIXES)
        ]
        if params:
            params.sort()
            key += "?" + urlencode(params)
    return key


def is_tracking_param(name: str) -> bool:
    """True for a query parameter that only tracks the reader (``utm_*``, ``fbclid``…).

    The same list :func:`canonical_url` drops; exports drop them from the
    links they share.
    """
    lower = name.lower()
    return lower in _TRACKING_PARAMS or lower.startswith(_TRACKING_PREFIXES)


# Scripts that legitimately share one label: Japanese mixes Han, Hiragana and
# Katakana (and Latin), Korean Hangul and Han. Latin with Cyrillic or Greek is
# the homograph attack ("аpple.com" with a Cyrillic "а").
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC"})


def _label_scripts(label: str) -> set[str]:
    scripts: set[str] = set()
    for ch in label:
        if not ch.isalpha():
            continue  # digits and hyphens belong to every script
        if ch.isascii():
            scripts.add("LATIN")
            continue
        first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
        scripts.add("CJK" if first in _EAST_ASIAN else first)
    return scripts


def _mixed_script(label: str) -> bool:
    scripts = _label_scripts(label)
    return len(scripts) > 1 and not scripts <= {"LATIN", "CJK"}


def _punycode(label: str) -> str:
    if label.isascii():
        return label
    try:
        return "xn--" + label.lower().encode("punycode").decode("ascii")
    except UnicodeError:
        return label.encode("ascii", "backslashreplace").decode("ascii")


@lru_cache(maxsize=4096)
def display_host(host: str) -> str:
    """``host`` as it may be shown: punycode (``xn--``) when a label mixes scripts.

    A name such as "аpple.com" (Cyrillic "а") would otherwise look exactly
    like the real one. Single-script names ("яндекс.рф", "例え.jp",
    "bücher.de") stay readable.
    """
    if host.isascii():
        return host
    labels = host.split(".")
    if not any(_mixed_script(label) for label in labels):
        return host
    return ".".join(_punycode(label) for label in labels)


def display_host_url(url: str) -> str:
    """``url`` with its host shown by :func:`display_host` (unchanged when it is fine)."""
    if url.isascii():
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return url
    if not host or display_host(host) == host:
        return url
    userinfo, at, _ = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=userinfo + at + display_host(host) + port))
