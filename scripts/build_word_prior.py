"""Build src/briefterm/brief/data/word_prior.txt.gz from wordfreq's frequency lists.

Usage (wordfreq is a build-time tool, not a dependency of briefterm)::

    python -m venv /tmp/wf && /tmp/wf/bin/pip install 'wordfreq==3.1.1'
    /tmp/wf/bin/python scripts/build_word_prior.py

(briefterm need not be installed there: the tokenizer is loaded from its
file, which uses the standard library only. With wordfreq 3.1.1 the output
is byte for byte the committed file.)

The prior says how common a comparison token is in general English and
Chinese text, so that a word shared by two headlines weighs by how much it
says ("sbarro" a lot, "review" little) even in an edition too small for
document frequencies to mean anything. Tokens are made with briefterm's own
:func:`briefterm.brief._tokens.tokens` (so plurals are folded and Chinese
words become the same character bigrams the clustering compares), their
frequencies summed, and written as Zipf values (log10 per billion words)
rounded to 0.1, one line per value: ``<zipf×10><TAB><token> <token> …``.
Tokens rarer than ``MIN_ZIPF`` are left out: the clustering treats every
unlisted token as rare.

The frequencies are wordfreq's data (Robyn Speer et al.), which is licensed
CC BY-SA 4.0; the file written here is a derived work under the same licence
(see src/briefterm/brief/data/README.md).
"""

from __future__ import annotations

import gzip
import importlib.util
import math
from collections import defaultdict
from pathlib import Path

import wordfreq

SRC = Path(__file__).resolve().parent.parent / "src" / "briefterm" / "brief"
# The tokenizer alone, without importing briefterm (and its dependencies).
_spec = importlib.util.spec_from_file_location("_briefterm_tokens", SRC / "_tokens.py")
assert _spec is not None and _spec.loader is not None
_tokens_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tokens_module)
tokens = _tokens_module.tokens

MIN_ZIPF = 3.0
LANGUAGES = ("en", "zh")
OUT = SRC / "data"


def main() -> None:
    """Write the prior table and print its size."""
    freq: dict[str, float] = defaultdict(float)
    for lang in LANGUAGES:
        for word, f in wordfreq.get_frequency_dict(lang).items():
            if math.log10(f) + 9 < MIN_ZIPF:
                continue
            for token in tokens(word):
                freq[token] += f
    by_value: dict[int, list[str]] = defaultdict(list)
    for token, f in freq.items():
        zipf = math.log10(f) + 9
        if zipf >= MIN_ZIPF and not token[0].isdigit():
            by_value[round(zipf * 10)].append(token)
    lines = [f"{v}\t{' '.join(sorted(toks))}" for v, toks in sorted(by_value.items())]
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "word_prior.txt.gz"
    # mtime=0: the same input gives the same bytes.
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{sum(len(t) for t in by_value.values()):,} tokens → {path} ({path.stat().st_size:,} B)")


if __name__ == "__main__":
    main()
