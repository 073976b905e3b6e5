"""The SQLite cache behind one facade: :class:`Store`."""

from briefterm.store.database import EntryFilter, Store, StoreError, UpsertResult

__all__ = ["EntryFilter", "Store", "StoreError", "UpsertResult"]
