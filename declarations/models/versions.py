"""A token that changes with every write, and figures cached under it.

Counting every commitment's status on a date is the costliest read the public pages
make. Those figures are cached under the ledger's current token: any write to the
ledger (a form, the admin, an import, a fixture) sets a new token, so a cached
figure is never stale, and a database restored to an earlier state finds the
figures of that state again.
"""

import contextlib
import contextvars
import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import models, transaction

CACHE_SECONDS = 3600

# The token as read once per request; unset outside requests (always read then).
_request_token: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "ledger_token"
)


OUTSIDE_A_REQUEST = object()


@contextlib.contextmanager
def token_read_once():
    """Within the block (a request), read the ledger's token at most once."""
    marker = _request_token.set(None)
    try:
        yield
    finally:
        _request_token.reset(marker)


def new_token() -> str:
    return uuid.uuid4().hex


class LedgerVersion(models.Model):
    """The single row holding the ledger's current token."""

    token = models.CharField(max_length=32, default=new_token)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="ledger_version_single"
            )
        ]

    def __str__(self):
        return self.token

    @classmethod
    def current(cls) -> str:
        """The current token: one indexed read (once per request)."""
        remembered = _request_token.get(OUTSIDE_A_REQUEST)
        if remembered not in (None, OUTSIDE_A_REQUEST):
            return remembered
        token = cls.objects.filter(pk=1).values_list("token", flat=True).first()
        token = token or cls.bump()
        if remembered is None:
            _request_token.set(token)
        return token

    @classmethod
    def bump(cls) -> str:
        """Give the ledger a new token, inside the caller's transaction."""
        token = new_token()
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
        if _request_token.get(None) is not None:
            _request_token.set(token)
        return token

    @classmethod
    def lock(cls) -> None:
        """Take the ledger's write lock, inside the caller's transaction.

        Every write bumps the token, so every writing transaction holds this row's
        lock until it commits. Taken after other locks, it deadlocks: an analyst
        logging evidence bumps the token and only then, at COMMIT, checks the
        evidence's (deferred) foreign key, which waits for the commitment row that
        an assessment of it holds while the assessment waits for the token. Taken
        first, by every writer, it queues the writers in one order instead.
        """
        locked = cls.objects.select_for_update().filter(pk=1).values_list("pk")
        if not list(locked):
            cls.bump()


@contextlib.contextmanager
def ledger_write():
    """A transaction that takes the ledger's write lock before anything else; usable
    as ``with ledger_write():`` or as the decorator ``@ledger_write()``."""
    with transaction.atomic():
        LedgerVersion.lock()
        yield


def cached_figures(key: str, compute: Callable[[], object]):
    """``compute()``'s result, cached until the ledger next changes."""
    # Hashed: keys carry dates and filters, and must suit any cache backend.
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    full_key = f"figures:{LedgerVersion.current()}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, CACHE_SECONDS)
    return value


def bump_on_write(sender, **kwargs):
    """Signal receiver: a row of the ledger was saved or deleted."""
    LedgerVersion.bump()
