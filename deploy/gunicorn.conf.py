"""gunicorn settings for the tracker: ``gunicorn -c deploy/gunicorn.conf.py``.

Sync workers: each request has a worker and a database connection of its own, which
Django keeps for ``DJANGO_CONN_MAX_AGE`` seconds and health-checks before reuse, so
a restarted PostgreSQL is reconnected to without restarting gunicorn. Every value
can be changed from the environment (``GUNICORN_*``) without editing this file.

A sync worker is held by a slow client for as long as the client likes (gunicorn
has no header-read timeout), so it must sit behind a buffering proxy:
``deploy/nginx.conf``, which passes it only complete requests. gunicorn binds to
127.0.0.1 so that nothing else can reach it.
"""

import multiprocessing
import os

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# The usual 2 x cores + 1: the workers wait on PostgreSQL as much as they compute.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request that takes longer than this is killed and its worker replaced; its
# transaction is rolled back by PostgreSQL when the connection drops.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On reload or shutdown, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Sync workers serve one request per connection: no keep-alive to tie them up.
keepalive = 2

# Replace each worker after about this many requests (jittered so that they do not
# all restart at once): bounds the effect of any slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Request line and header limits: anything longer is refused with 400 before Django.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Access log and error log to standard output and error, for the process manager.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind nginx the peer is always 127.0.0.1: the client is the X-Forwarded-For
# that nginx sets (it overwrites the client's own).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Behind a TLS-terminating proxy on the same host, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Load the app once in the master: workers fork with it ready, and a broken
# configuration (a missing secret key, say) stops gunicorn at start, not per worker.
preload_app = True
