"""The SQLite cache behind one facade: :class:`Store`.

``Store`` is assembled from one mixin per kind of row, the way lemon24/reader
assembles its storage: :mod:`._base` (connection, transactions, metadata),
:mod:`._feeds`, :mod:`._entries`, :mod:`._listing` (list views, counts),
:mod:`._state` (read/starred flags) and
:mod:`._search`, :mod:`._fulltext` (the full-text cache), :mod:`._features` (stored
cluster features), :mod:`._saved_brief` (the last brief, for a quick start),
:mod:`._sync`; :mod:`._schema` holds the DDL and migrations. No SQL lives outside
this package.
"""

from briefterm.errors import StoreError
from briefterm.store._base import StoreBase
from briefterm.store._entries import EntriesMixin, EntryFilter, TimeWindow, UpsertResult
from briefterm.store._errors import describe as describe_store_error
from briefterm.store._features import FeaturesMixin
from briefterm.store._feeds import FeedsMixin
from briefterm.store._fulltext import CachedFullText, FullTextMixin
from briefterm.store._listing import ListingMixin
from briefterm.store._saved_brief import SavedBriefMixin
from briefterm.store._search import SearchMixin
from briefterm.store._state import StateMixin
from briefterm.store._sync import SyncMixin

__all__ = [
    "CachedFullText",
    "EntryFilter",
    "Store",
    "StoreError",
    "TimeWindow",
    "UpsertResult",
    "describe_store_error",
]


class Store(
    SyncMixin,
    FeaturesMixin,
    FeedsMixin,
    SavedBriefMixin,
    EntriesMixin,
    ListingMixin,
    StateMixin,
    SearchMixin,
    FullTextMixin,
    StoreBase,
):
    """The SQLite cache. ``Store(":memory:")`` works for tests.

    One ``Store`` may be used from several threads (Textual workers): a lock
    serialises use of the single connection. :meth:`reader` opens a second,
    read-only connection for a UI that must not wait for a writer.
    """
