"""Turn untrusted feed HTML into plain text (for lists) or Markdown (for reading).

Two converters with different budgets:

* :func:`html_to_text` runs at poll time for every entry's summary, so it is a
  handful of regular expressions (about 10x faster than building an lxml tree;
  a 50-item feed would otherwise spend most of its parse time here). It only
  has to produce a readable one-line blurb, never structure.
* :func:`html_to_markdown` runs at display time for one entry, so it builds a
  real tree with ``lxml.html`` and walks it. It emits a deliberately small
  Markdown subset and escapes every piece of feed text, so a feed cannot smuggle
  links, images or HTML into the rendered view. Only http(s)/mailto links
  survive; scripts, styles, frames, objects and forms are dropped with their
  content.

We write the Markdown walker ourselves instead of using markdownify/html2text:
neither is installed, both pass ``javascript:`` hrefs and raw text through
unescaped by default, and the subset we need is about 200 lines.
"""

from briefterm.htmltext._markdown import html_to_markdown
from briefterm.htmltext._text import html_to_text

__all__ = ["html_to_markdown", "html_to_text"]
