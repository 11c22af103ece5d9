"""The releases written so far, as /data/ lists them and serves their files.

A release is listed when its folder (named by its version) holds a
``datapackage.json`` and a ``SHA256SUMS``; only the files that ``SHA256SUMS``
lists (and that file itself) are served, so no other path can be asked for.
"""

import dataclasses
import datetime
import json
from pathlib import Path

from django.conf import settings

from .documents import cite_as
from .writer import CHECKSUMS, VERSION_PATTERN, zip_name


@dataclasses.dataclass(frozen=True)
class ReleaseFile:
    name: str
    path: Path
    sha256: str

    @property
    def bytes(self) -> int:
        return self.path.stat().st_size


@dataclasses.dataclass(frozen=True)
class PublishedRelease:
    version: str
    created: datetime.datetime
    status_as_of: str
    content_checksum: str
    rows: list[tuple[str, str, int]]  # (table, title, rows)
    files: dict[str, ReleaseFile]
    cite_as: str

    @property
    def archive(self) -> ReleaseFile | None:
        return self.files.get(zip_name(self.version))

    @property
    def documents(self) -> list[ReleaseFile]:
        names = ["README.md", "codebook.md", "datapackage.json", "CITATION.cff"]
        names += ["LICENSE.md", CHECKSUMS]
        return [self.files[name] for name in names if name in self.files]

    @property
    def tables(self) -> list[ReleaseFile]:
        return [f for name, f in sorted(self.files.items()) if name.startswith("data/")]

    @property
    def commitments(self) -> int:
        return next((n for table, _, n in self.rows if table == "commitments"), 0)


def releases_dir() -> Path:
    return Path(settings.TRACKER_RELEASES_DIR)


def _sums(folder: Path) -> dict[str, str]:
    sums = {}
    for line in (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            sums[name] = digest
    return sums


def read_release(version: str, directory: Path | None = None):
    """The release of that version, or None when there is no complete one."""
    if not VERSION_PATTERN.match(version):
        return None
    folder = (directory or releases_dir()) / version
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
        sums = _sums(folder)
    except (OSError, ValueError):
        return None
    files = {
        name: ReleaseFile(name, folder / name, digest)
        for name, digest in sums.items()
        if (folder / name).is_file()
    }
    files[CHECKSUMS] = ReleaseFile(CHECKSUMS, folder / CHECKSUMS, "")
    return PublishedRelease(
        version=descriptor.get("version", version),
        created=datetime.datetime.fromisoformat(descriptor["created"]),
        status_as_of=descriptor.get("status_as_of", ""),
        content_checksum=descriptor.get("content_checksum", ""),
        rows=[
            (r["name"], r.get("title", r["name"]), r.get("rows") or 0)
            for r in descriptor.get("resources", [])
        ],
        files=files,
        cite_as=cite_as(descriptor),
    )


def published_releases(directory: Path | None = None) -> list[PublishedRelease]:
    """Every complete release, newest first."""
    directory = directory or releases_dir()
    if not directory.is_dir():
        return []
    found = [
        release
        for folder in directory.iterdir()
        if folder.is_dir() and not folder.name.startswith(".")
        for release in [read_release(folder.name, directory)]
        if release is not None
    ]
    return sorted(found, key=lambda r: (r.created, r.version), reverse=True)
