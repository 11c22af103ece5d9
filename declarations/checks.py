"""Deployment checks of the tracker (``manage.py check --deploy``): the page
cache, the mail and the task queue that sends it. Settings refuse the worst
cases outright with debug off; these say why, for any configuration that gets as
far as running."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

UNSAFE_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints every message",
    "django.core.mail.backends.filebased.EmailBackend": "writes every message to "
    "a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every message in memory "
    "and sends none",
}
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"


@register(Tags.security, deploy=True)
def check_mail(app_configs=None, **kwargs):
    problems = []
    backend = settings.EMAIL_BACKEND
    if backend in UNSAFE_EMAIL_BACKENDS:
        problems.append(
            Error(
                f"EMAIL_BACKEND is {backend}, which {UNSAFE_EMAIL_BACKENDS[backend]}.",
                hint="A password-reset link printed to the log or kept on disk lets "
                "anyone who can read it take over the account. Set "
                "DJANGO_EMAIL_BACKEND to a backend that delivers mail (smtp).",
                id="tracker.E001",
            )
        )
    if getattr(settings, "EMAIL_TIMEOUT", None) is None:
        problems.append(
            Warning(
                "EMAIL_TIMEOUT is not set: a mail server that accepts the connection "
                "and never answers holds the sender for ever.",
                hint="Set DJANGO_EMAIL_TIMEOUT (seconds).",
                id="tracker.W002",
            )
        )
    tasks = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND")
    if tasks == IMMEDIATE_TASKS:
        problems.append(
            Warning(
                "The task queue runs each task at once, in the request: mail is sent "
                "while the visitor waits, and a stalled mail server holds a web "
                "worker.",
                hint="Use django_tasks_db.DatabaseBackend (the default with debug "
                "off) and run manage.py db_worker beside gunicorn.",
                id="tracker.W003",
            )
        )
    return problems


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
