"""/data/: the data releases, and their files, served from the releases folder."""

import datetime
import mimetypes

from django.http import FileResponse, Http404
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe
from django.views.generic import TemplateView

from ..datapackage import catalogue
from .as_of import not_found

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".cff": "text/yaml; charset=utf-8",
    ".zip": "application/zip",
}


class DataReleasesView(TemplateView):
    """Every release with its date, version, counts and downloads."""

    template_name = "declarations/data_releases.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            releases=catalogue.published_releases(), **kwargs
        )


def _file(version: str, name: str):
    release = catalogue.read_release(version)
    if release is None or name not in release.files:
        raise Http404
    return release.files[name]


def _etag(request, version, name):
    try:
        digest = _file(version, name).sha256
    except Http404:
        return None
    return f'"{digest}"' if digest else None


def _last_modified(request, version, name):
    try:
        mtime = _file(version, name).path.stat().st_mtime
    except (Http404, OSError):
        return None
    return datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def release_file(request, version: str, name: str):
    """One file of a release. Releases never change, so caches may keep it."""
    try:
        found = _file(version, name)
    except Http404:
        return not_found(
            request, f"There is no file “{name[:80]}” in a release “{version[:40]}”."
        )
    suffix = found.path.suffix
    content_type = CONTENT_TYPES.get(suffix) or (
        mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    )
    response = FileResponse(
        open(found.path, "rb"),  # noqa: SIM115 - the response closes it
        content_type=content_type,
        as_attachment=suffix in (".zip", ".csv"),
        filename=found.path.name,
    )
    response["Last-Modified"] = http_date(found.path.stat().st_mtime)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
