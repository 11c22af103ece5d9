"""Fast bulk rows: model instances built without ``__init__``, and a reader that
runs ahead in a thread to build the next rows while these are written."""

import functools
import queue
import threading

from django.db.models.base import ModelState


class _Maker:
    """Builds model instances the way Django's unpickling does (``__new__``, the
    field values in ``__dict__``, a fresh ``ModelState``), with the fields' own
    defaults for what is not given. That skips the per-field descriptor work of
    ``__init__``, which matters at a million rows; no init signals are sent, as
    none is needed here. An unknown name is an error, as it is for the model."""

    def __init__(self, model):
        self.model = model
        self.pk_name = model._meta.pk.attname
        fields = model._meta.concrete_fields
        self.names = {f.attname for f in fields}
        self.static = {
            f.attname: f.get_default()
            for f in fields
            if not (f.has_default() and callable(f.default))
        }
        self.dynamic = [f for f in fields if f.attname not in self.static]

    def __call__(self, **values):
        if "pk" in values:
            values[self.pk_name] = values.pop("pk")
        if not values.keys() <= self.names:
            raise TypeError(
                f"{self.model.__name__} has no {values.keys() - self.names}"
            )
        for field in self.dynamic:
            if field.attname not in values:
                values[field.attname] = field.get_default()
        obj = self.model.__new__(self.model)
        obj.__dict__ = {**self.static, **values, "_state": ModelState()}
        return obj


@functools.cache
def _maker(model) -> _Maker:
    return _Maker(model)


def build(model, **values):
    """``model(**values)``, fast (see ``_Maker``)."""
    return _maker(model)(**values)


def read_ahead(iterable, depth: int = 1):
    """Iterate ``iterable`` in a thread, up to ``depth`` items ahead of the caller.

    The thread must not use the database (Django's connections are per thread).
    An exception in it is raised here; leaving the loop early stops it.
    """
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in iterable:
                if not put(item):
                    return
        except BaseException as error:  # handed to the caller, raised there
            put(error)
        else:
            put(done)

    thread = threading.Thread(target=produce, name="synthetic-rows", daemon=True)
    thread.start()
    try:
        while (item := items.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
