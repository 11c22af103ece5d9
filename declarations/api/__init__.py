"""The read API at /api/: what the public pages show, as JSON, with a schema.

Django REST Framework serves it and drf-spectacular describes it (OpenAPI 3 at
/api/schema/, Swagger UI at /api/docs/). Lists take the web tables' filters from
the same FilterSets (``declarations.filters``), the same ``as_of`` date
(``views.as_of.parse_as_of``), and are paged by keyset cursors
(``pagination.KeysetPagination``), so a deep page costs what the first one does.
"""
