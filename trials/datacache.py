"""A shared cache whose keys carry a data version, so a cached count is never stale.

Every write to a curated or imported record (a publish, a withdrawal, an import run)
moves the version on; entries stored under the old version are simply never read
again and expire. The version itself lives in the cache as a random token rather
than a counter: if the cache loses it (eviction, restart, clear) a fresh token is
drawn, which can only cause a miss, never a hit on old data.
"""

import hashlib
import uuid

from django.core.cache import caches
from django.db import transaction

VERSION_KEY = "data-version"
# Entries under an old version are dead weight; let them go within a day.
TIMEOUT = 24 * 60 * 60
_MISSING = object()


def data_version(using: str = "default") -> str:
    return caches[using].get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def bump_data_version(using: str = "default") -> None:
    """Invalidate every versioned entry, now and again when the transaction commits.

    Now, so this process sees its own write at once; at commit, so no other process
    can store counts read before the commit under the new version.
    """

    def bump():
        caches[using].set(VERSION_KEY, uuid.uuid4().hex, timeout=None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def versioned_key(name: str, parts, using: str = "default") -> str:
    """The cache key of ``name`` and ``parts`` under the current data version."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{name}:{data_version(using)}:{digest}"


def versioned(name: str, parts, compute, using: str = "default"):
    """``compute()``, cached under ``name``, ``parts`` and the current data version."""
    key = versioned_key(name, parts, using)
    value = caches[using].get(key, _MISSING)
    if value is _MISSING:  # None is an answer too ("no import yet"), and is kept
        value = compute()
        caches[using].set(key, value, timeout=TIMEOUT)
    return value
