"""Developer tooling beside the product: synthetic data and the benchmark.

Installed only when ``DJANGO_DEBUG=1`` or ``TRACKER_DEVTOOLS=1`` (settings.py), so
a production site does not carry it.
"""
