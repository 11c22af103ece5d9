"""Deployment checks of the tracker's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def page_cache_is_shared(app_configs, **kwargs):
    """A page cache in each process's memory cannot be invalidated by another
    process's write: with several workers, readers would see stale pages."""
    backend = settings.CACHES[settings.TRACKER_PAGE_CACHE]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The page cache is in each process's memory (CACHE_URL unset): a "
                "write through one gunicorn worker or a management command is not "
                "seen by the other workers until TRACKER_PAGE_CACHE_SECONDS have "
                "passed.",
                hint="Set CACHE_URL=redis://host:port/db (shared), or "
                "CACHE_URL=dummy:// (no cache).",
                id="tracker.W001",
            )
        ]
    return []
