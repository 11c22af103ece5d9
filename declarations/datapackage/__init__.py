"""Versioned, citable data releases: the whole ledger as a Frictionless Data Package.

``tables`` defines the tables, ``writer`` writes a release (``manage.py release``),
``documents`` generates its descriptor, README, codebook, licence and citation,
and ``catalogue`` lists the releases written, for /data/.
"""
