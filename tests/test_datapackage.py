"""Data releases: a Frictionless Data Package of the whole ledger, validated with
the frictionless package; immutable; listed and served at /data/."""

import csv
import datetime
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import frictionless
import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection

from declarations.datapackage import documents, writer
from declarations.datapackage.tables import TABLES
from declarations.models import (
    Assessment,
    BodyKind,
    Commitment,
    CommitmentBody,
    Confidence,
    DeadlineRevision,
    Declaration,
    Evidence,
    Paragraph,
    Role,
    Status,
)
from tests.factories import (
    AssessmentFactory,
    CommitmentFactory,
    EvidenceFactory,
    MemberStateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def release(tmp_path, version="2026.1", **kwargs) -> Path:
    return writer.release_write(releases_dir=tmp_path, version=version, **kwargs).folder


def read_csv(folder: Path, table: str) -> list[dict]:
    with open(folder / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def assert_valid(folder: Path):
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_the_astana_ledger_releases_as_a_valid_data_package(codebook, tmp_path):
    folder = release(tmp_path)
    assert_valid(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    rows = {resource["name"]: resource["rows"] for resource in descriptor["resources"]}
    assert rows["declarations"] == Declaration.objects.count() == 1
    assert rows["paragraphs"] == Paragraph.objects.count()
    assert rows["commitments"] == Commitment.objects.count() == 42
    assert rows["commitment_bodies"] == CommitmentBody.objects.count()
    assert rows["evidence"] == Evidence.objects.count()
    assert rows["assessments"] == Assessment.objects.overall().count()
    assert rows["member_state_assessments"] == (
        Assessment.objects.filter(member_state__isnull=False).count()
    )
    assert rows["deadline_revisions"] == DeadlineRevision.objects.count()
    assert rows["citations"] + rows["member_state_citations"] == (
        Assessment.evidence.through.objects.count()
    )
    assert set(rows) == {table.name for table in TABLES}
    for name in ["README.md", "codebook.md", "LICENSE.md", "CITATION.cff"]:
        assert (folder / name).stat().st_size > 0, name


def test_the_schemas_take_their_codes_from_the_codes_own_choices(codebook, tmp_path):
    descriptor = json.loads((release(tmp_path) / "datapackage.json").read_text())
    fields = {
        (resource["name"], field["name"]): field
        for resource in descriptor["resources"]
        for field in resource["schema"]["fields"]
    }

    def enum(table, column):
        return fields[(table, column)]["constraints"]["enum"]

    assert enum("commitments", "status") == Status.values
    assert enum("assessments", "status") == [value for value, _ in Status.assessable()]
    assert enum("commitment_bodies", "role") == Role.values
    assert enum("bodies", "kind") == BodyKind.values
    assert enum("assessments", "confidence") == Confidence.values
    assert fields[("evidence", "event_date")]["type"] == "date"
    assert fields[("evidence", "logged_at")]["type"] == "datetime"
    assert fields[("evidence", "retracted")]["type"] == "boolean"
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert resources["commitments"]["schema"]["primaryKey"] == ["reference"]
    assert {
        "fields": ["declaration", "paragraph"],
        "reference": {"resource": "paragraphs", "fields": ["declaration", "paragraph"]},
    } in resources["commitments"]["schema"]["foreignKeys"]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["version"] == "2026.1"


def test_the_codebook_and_readme_come_from_the_codes_definitions(codebook, tmp_path):
    folder = release(tmp_path)
    text = (folder / "codebook.md").read_text()
    for status in Status:
        assert f"`{status.value}` | {status.label} | {status.definition}" in text
    for role in Role:
        assert role.definition in text
    for table in TABLES:
        assert f"### {table.name}" in text
        for column in table.columns:
            assert f"`{column.name}`" in text
    readme = (folder / "README.md").read_text()
    assert "formula" in readme and "apostrophe" in readme
    assert "sha256sum -c SHA256SUMS" in readme
    assert "CC BY 4.0" in readme or "CC-BY-4.0" in readme
    citation = yaml.safe_load((folder / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["type"] == "dataset"
    assert citation["version"] == "2026.1"
    assert citation["license"] == "CC-BY-4.0"
    assert citation["authors"][0]["name"]
    assert "CC BY 4.0" in (folder / "LICENSE.md").read_text()


def test_checksums_verify_every_file_and_the_content(codebook, tmp_path):
    folder = release(tmp_path)
    sums = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        sums[name] = digest
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    on_disk = {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name != "SHA256SUMS"
    }
    assert set(sums) == on_disk
    data = "".join(
        f"{digest}  {name}\n"
        for name, digest in sorted(sums.items())
        if name.startswith("data/")
    )
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert descriptor["content_checksum"] == (
        "sha256:" + hashlib.sha256(data.encode()).hexdigest()
    )
    with zipfile.ZipFile(folder / "declaration-tracker-2026.1.zip") as archive:
        names = set(archive.namelist())
    assert "declaration-tracker-2026.1/datapackage.json" in names
    assert "declaration-tracker-2026.1/data/evidence.csv" in names


def test_the_same_data_gives_the_same_content_checksum(codebook, tmp_path):
    first = release(tmp_path, "a")
    second = release(tmp_path, "b")

    def checksum(folder):
        return json.loads((folder / "datapackage.json").read_text())["content_checksum"]

    assert checksum(first) == checksum(second)


def test_values_are_exact_formula_cells_included(tmp_path):
    formula = '=HYPERLINK("http://evil.example","x")'
    commitment = CommitmentFactory(reference="F-1", title=formula, theme="+Trade")
    EvidenceFactory(
        commitment=commitment,
        summary="Two lines,\nwith “quotes”, commas and a tab\there.",
        source_title="@source",
    )
    folder = release(tmp_path)
    assert_valid(folder)
    (row,) = [r for r in read_csv(folder, "commitments") if r["reference"] == "F-1"]
    assert row["title"] == formula and row["theme"] == "+Trade"
    (evidence,) = [r for r in read_csv(folder, "evidence") if r["commitment"] == "F-1"]
    assert evidence["summary"] == "Two lines,\nwith “quotes”, commas and a tab\there."
    assert evidence["source_title"] == "@source"
    assert (folder / "data" / "commitments.csv").read_bytes()[:3] != b"\xef\xbb\xbf"


def test_usernames_but_no_email_or_account_number(tmp_path):
    analyst = UserFactory(username="amina", email="amina.secret@example.org")
    evidence = EvidenceFactory(logged_by=analyst)
    state = MemberStateFactory()
    AssessmentFactory(commitment=evidence.commitment, recorded_by=analyst)
    AssessmentFactory(
        commitment=evidence.commitment, recorded_by=analyst, member_state=state
    )
    folder = release(tmp_path)
    assert_valid(folder)
    everything = "".join(path.read_text() for path in (folder / "data").iterdir())
    assert "amina" in everything
    assert "secret@example.org" not in everything
    reference = evidence.commitment.reference
    (overall,) = [
        r for r in read_csv(folder, "assessments") if r["commitment"] == reference
    ]
    assert overall["recorded_by"] == "amina"
    (by_state,) = [
        r
        for r in read_csv(folder, "member_state_assessments")
        if r["commitment"] == reference
    ]
    assert by_state["member_state"] == state.slug


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_and_the_python_writer_write_the_same_values(codebook, tmp_path):
    analyst = UserFactory(username="amina")
    EvidenceFactory(
        commitment=Commitment.objects.first(),
        logged_by=analyst,
        summary="=1+1, “quoted”\nand two lines",
    )
    by_copy = release(tmp_path, "copy", copy=True)
    by_python = release(tmp_path, "python", copy=False)
    for table in TABLES:
        assert read_csv(by_copy, table.name) == read_csv(by_python, table.name), (
            table.name
        )
    assert_valid(by_copy)


# -- immutable, and refused before anything is written ------------------------------


def files_under(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


def test_a_release_is_never_overwritten(tmp_path):
    CommitmentFactory()
    folder = release(tmp_path)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(writer.ReleaseError, match="never overwritten"):
        release(tmp_path)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert all(not os.access(p, os.W_OK) or os.geteuid() == 0 for p in before)
    assert all(p.stat().st_mode & 0o222 == 0 for p in before)


def test_a_non_empty_target_is_refused_before_anything_is_written(tmp_path):
    target = tmp_path / "2026.1"
    target.mkdir()
    (target / "notes.txt").write_text("someone's file")
    with pytest.raises(writer.ReleaseError, match="already exists"):
        release(tmp_path)
    assert files_under(tmp_path) == {"2026.1", "2026.1/notes.txt"}


def test_an_empty_target_folder_is_used(tmp_path):
    (tmp_path / "2026.1").mkdir()
    folder = release(tmp_path)
    assert (folder / "datapackage.json").exists()


def test_an_unwritable_target_is_refused_before_anything_is_written(
    tmp_path, monkeypatch
):
    # The suite may run as root, for whom every folder is writable: ask the
    # check itself.
    monkeypatch.setattr(writer.os, "access", lambda path, mode: False)
    with pytest.raises(writer.ReleaseError, match="permission denied"):
        release(tmp_path / "releases")
    assert files_under(tmp_path) == set()


def test_a_target_that_is_a_file_or_a_bad_version_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(writer.ReleaseError, match="not a folder"):
        release(tmp_path / "file")
    with pytest.raises(writer.ReleaseError, match="Version"):
        release(tmp_path, version="../escape")
    with pytest.raises(writer.ReleaseError, match="Version"):
        release(tmp_path, version="")
    assert files_under(tmp_path) == {"file"}


def test_a_release_that_fails_half_way_leaves_nothing(tmp_path, monkeypatch):
    CommitmentFactory()

    def broken(descriptor):
        raise RuntimeError("disk full")

    monkeypatch.setattr(documents, "readme", broken)
    with pytest.raises(RuntimeError):
        release(tmp_path)
    assert files_under(tmp_path) == set()


def test_the_command_writes_and_refuses(tmp_path):
    CommitmentFactory()
    out = io.StringIO()
    call_command("release", "2026.1", "--releases-dir", str(tmp_path), stdout=out)
    assert "Release 2026.1 written" in out.getvalue()
    assert f"{Commitment.objects.count():,} commitments" in out.getvalue()
    assert "sha256:" in out.getvalue()
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("release", "2026.1", "--releases-dir", str(tmp_path))


def test_the_default_version_is_the_date(tmp_path, settings):
    settings.TRACKER_RELEASES_DIR = tmp_path
    call_command("release", stdout=io.StringIO())
    (folder,) = tmp_path.iterdir()
    assert folder.name == datetime.date.today().isoformat()


# -- /data/ ------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path, settings):
    settings.TRACKER_RELEASES_DIR = tmp_path
    CommitmentFactory(reference="P-1")
    release(tmp_path, "2026.1")
    release(tmp_path, "2026.2")
    (tmp_path / ".2026.3.abc.partial").mkdir()  # a release being written
    return tmp_path


def test_the_data_page_lists_each_release_with_counts_and_downloads(client, published):
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Release 2026.2") < html.index("Release 2026.1")
    assert "2026.3" not in html
    assert "/data/2026.1/declaration-tracker-2026.1.zip" in html
    assert "/data/2026.1/data/commitments.csv" in html
    assert "/data/2026.2/CITATION.cff" in html
    assert "CC BY 4.0" in html


def test_release_files_are_served_with_validators(client, published):
    url = "/data/2026.1/declaration-tracker-2026.1.zip"
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert zipfile.is_zipfile(io.BytesIO(body))
    assert response["Content-Type"] == "application/zip"
    assert "immutable" in response["Cache-Control"]
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag == f'"{hashlib.sha256(body).hexdigest()}"'
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    csv_file = client.get("/data/2026.1/data/commitments.csv")
    assert b"P-1" in b"".join(csv_file.streaming_content)
    descriptor = client.get("/data/2026.1/datapackage.json")
    assert json.loads(b"".join(descriptor.streaming_content))["version"] == "2026.1"


@pytest.mark.parametrize(
    "url",
    [
        "/data/2026.1/nothing.csv",
        "/data/2026.9/datapackage.json",
        "/data/2026.1/../2026.2/datapackage.json",
        "/data/2026.1/%2e%2e/%2e%2e/etc/passwd",
        "/data/.2026.3.abc.partial/datapackage.json",
    ],
)
def test_nothing_else_is_served(client, published, url):
    assert client.get(url).status_code == 404


def test_the_data_page_without_releases(client, settings, tmp_path):
    settings.TRACKER_RELEASES_DIR = tmp_path / "none-yet"
    response = client.get("/data/")
    assert response.status_code == 200
    assert "No release has been published yet." in response.content.decode()
