"""Attacks: stored and reflected payloads rendered inert on every page, no inline
script anywhere (the CSP forbids it), evidence URLs limited to http(s), CSRF on
every POST, imports of huge, binary or wrongly encoded files refused with bounded
memory, login throttling per account and address, and no page that tells whether
an account exists.
"""

import datetime
import html.parser
import re
import tracemalloc
import xml.dom.minidom

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from declarations import services
from declarations.importer import DocumentError, read_document
from declarations.models import (
    Assessment,
    BodyKind,
    Declaration,
    Evidence,
    Precision,
    Role,
    Status,
)
from declarations.views import (
    BodyListView,
    CommitmentListView,
    DeclarationListView,
    OverdueView,
)
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    EvidenceFactory,
    ParagraphFactory,
    UserFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE declarations_commitment; --",
    "{{ 7*7 }}{% debug %}",
    "javascript:alert(1)",
]
PAYLOAD = " ".join(PAYLOADS)
# What would show if a payload got through unescaped.
LIVE_MARKUP = ["<script>alert(1)", "<img src=x onerror"]
PASSWORD = "a-long enough passphrase 42"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0), tick=False):
        yield


# --- what a browser would run -------------------------------------------------


class ScriptScanner(html.parser.HTMLParser):
    """Collects what a browser would execute: inline scripts, event-handler
    attributes, and javascript:/data: links."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            executable = attributes.get("type", "text/javascript") in (
                "text/javascript",
                "module",
                "",
            )
            if "src" not in attributes and executable:
                self.in_inline_script = True
                self.problems.append(f"inline <script> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> inline style")
            if name in self.URL_ATTRIBUTES and value:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text")):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_inline_script = False


def assert_inert(response, url="", inline_style=False):
    """The response runs no script of its own and shows no live payload.

    ``inline_style`` tolerates style attributes (the CSP blocks them, which only
    loses cosmetics): django-simple-history's admin history page has one.
    """
    content_type = response.get("Content-Type", "")
    body = response.getvalue().decode()
    if "html" in content_type:
        scanner = ScriptScanner()
        scanner.feed(body)
        problems = [p for p in scanner.problems if not (inline_style and "style=" in p)]
        assert not problems, (url, problems[:5])
        for marker in LIVE_MARKUP:
            assert marker not in body, (url, marker)
    elif "xml" in content_type:
        # Feeds: well-formed XML whose text carries the payload as text.
        document = xml.dom.minidom.parseString(response.content)
        assert not document.getElementsByTagName("script"), url
        assert not document.getElementsByTagName("img"), url
    else:
        # Downloads and calendars: never something a browser would render as HTML.
        assert "html" not in content_type, url
    assert response["X-Content-Type-Options"] == "nosniff"


# --- a database full of payloads ----------------------------------------------


def payload_for(field) -> str | None:
    """The payload string that fits the field, or None."""
    limit = getattr(field, "max_length", None)
    for candidate in (PAYLOAD, *PAYLOADS):
        if limit is None or len(candidate) <= limit:
            return candidate
    return None


# Identifiers (validated, used in URLs), and the retraction reason, which only a
# retraction writes (the retracted evidence carries the payload there).
UNTOUCHED = {
    "slug",
    "reference",
    "reference_prefix",
    "content_hash",
    "source_url",
    "archived_url",
    "source_language",
    "record_key",
    "retraction_reason",
}


def fill_text_fields(instance, **fixed):
    """Put a payload into every free-text field of the instance and save it."""
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and field.name not in UNTOUCHED
            and field.name not in fixed
        ):
            value = payload_for(field)
            if value is not None:
                setattr(instance, field.name, value)
    for name, value in fixed.items():
        setattr(instance, name, value)
    instance.save()
    return instance


@pytest.fixture
def hostile_codebook():
    """Every text field an editor or analyst can write holds the payloads."""
    declaration = fill_text_fields(
        DeclarationFactory(slug="hostile", reference_prefix="HOS"),
        header_fields={PAYLOAD: PAYLOAD, "Title": PAYLOAD},
    )
    paragraph = fill_text_fields(
        ParagraphFactory(declaration=declaration, number=1),
        text=f"The parties {PAYLOAD} will act.",
    )
    state = fill_text_fields(
        BodyFactory(slug="hostile-state", kind=BodyKind.MEMBER_STATE)
    )
    organ = fill_text_fields(BodyFactory(slug="hostile-organ"), name=f"{PAYLOAD} organ")
    commitment = fill_text_fields(
        CommitmentFactory(
            declaration=declaration, paragraph=paragraph, reference="HOS-01"
        ),
        quote=PAYLOAD,
    )
    CommitmentBodyFactory(commitment=commitment, body=organ, role=Role.RESPONSIBLE)
    CommitmentBodyFactory(commitment=commitment, body=state, role=Role.SUPPORTING)
    with_window(
        commitment,
        datetime.date(2006, 1, 1),
        datetime.date(2006, 12, 31),
        Precision.YEAR,
    )
    fill_text_fields(commitment.deadline)
    analyst = UserFactory(username="analyst")
    analyst.groups.add(Group.objects.get(name="Analysts"))
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    services.deadline_revise(
        deadline=commitment.deadline,
        revised_by=editor,
        reason=PAYLOAD,
        note=PAYLOAD,
    )
    evidence = fill_text_fields(
        EvidenceFactory(
            commitment=commitment,
            logged_by=analyst,
            source_url='https://example.org/?q="><script>alert(1)</script>',
            archived_url='https://web.archive.org/?q="><script>alert(2)</script>',
        )
    )
    retracted = EvidenceFactory(commitment=commitment, logged_by=analyst)
    services.evidence_retract(evidence=retracted, retracted_by=analyst, reason=PAYLOAD)
    first = AssessmentFactory(
        commitment=commitment, recorded_by=analyst, rationale=PAYLOAD
    )
    first.evidence.add(evidence)
    correction = AssessmentFactory(
        commitment=commitment,
        recorded_by=analyst,
        rationale=PAYLOAD,
        status=Status.STALLED,
        corrects=first,
    )
    AssessmentFactory(
        commitment=commitment,
        recorded_by=analyst,
        rationale=PAYLOAD,
        member_state=state,
        status=Status.NOT_STARTED,
    )
    return {
        "declaration": declaration,
        "commitment": commitment,
        "organ": organ,
        "state": state,
        "evidence": evidence,
        "assessment": correction,
        "analyst": analyst,
        "editor": editor,
    }


def public_pages(data) -> list[str]:
    commitment = data["commitment"]
    return [
        reverse("declarations:overview"),
        reverse("declarations:overview") + "?as_of=2007-01-01",
        reverse("declarations:commitment-list"),
        reverse("declarations:commitment-list") + "?as_of=2007-01-01",
        commitment.get_absolute_url(),
        reverse("declarations:body-list"),
        data["organ"].get_absolute_url(),
        data["state"].get_absolute_url(),
        reverse("declarations:overdue") + "?as_of=2007-01-01",
        reverse("declarations:declaration-list"),
        data["declaration"].get_absolute_url(),
        reverse("declarations:methodology"),
        reverse("declarations:changes"),
        reverse("declarations:feed-evidence"),
        reverse("declarations:feed-deadlines"),
        reverse("declarations:commitment-list") + "?_export=csv",
        reverse("declarations:commitment-list") + "?_export=json",
        reverse("login"),
        reverse("password_reset"),
    ]


def test_stored_payloads_are_inert_on_every_public_page(client, hostile_codebook):
    for url in public_pages(hostile_codebook):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response, url)
    page = client.get(hostile_codebook["commitment"].get_absolute_url())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()


def test_stored_payloads_are_inert_on_the_analysts_pages(client, hostile_codebook):
    client.force_login(hostile_codebook["analyst"])
    reference = hostile_codebook["commitment"].reference
    for url in [
        reverse("declarations:evidence-create", args=[reference]),
        reverse("declarations:assessment-create", args=[reference]),
        reverse(
            "declarations:evidence-retract", args=[hostile_codebook["evidence"].pk]
        ),
        reverse("declarations:me"),
        hostile_codebook["commitment"].get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response, url)


def admin_pages(data) -> list[str]:
    pages = [reverse("admin:index")]
    for model, instance in [
        (Declaration, data["declaration"]),
        (type(data["organ"]), data["organ"]),
        (type(data["commitment"]), data["commitment"]),
        (type(data["commitment"].deadline), data["commitment"].deadline),
        (Evidence, data["evidence"]),
        (Assessment, data["assessment"]),
    ]:
        info = model._meta.app_label, model._meta.model_name
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_changelist".format(*info)) + "?q=%3Cscript")
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[instance.pk]))
        pages.append(reverse("admin:{}_{}_history".format(*info), args=[instance.pk]))
    return pages


def test_stored_payloads_are_inert_in_the_admin(client, hostile_codebook):
    client.force_login(hostile_codebook["editor"])
    for url in admin_pages(hostile_codebook):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response, url, inline_style=True)


# --- reflected payloads: every query parameter of every page -----------------


def query_parameters() -> set[str]:
    names = {"as_of", "page", "per_page", "sort", "_export", "q", "kind", "body"}
    for view in (CommitmentListView, BodyListView, OverdueView, DeclarationListView):
        names |= set(view.filterset_class.base_filters)
    return names


@pytest.fixture
def plain_codebook():
    commitment = CommitmentFactory(reference="AST2005-05", theme="Security")
    with_window(commitment, datetime.date(2006, 1, 1), datetime.date(2006, 12, 31))
    body = BodyFactory(slug="rats")
    CommitmentBodyFactory(commitment=commitment, body=body)
    EvidenceFactory(commitment=commitment)
    AssessmentFactory(commitment=commitment)
    return {"commitment": commitment, "body": body}


def reflected_pages(data) -> list[str]:
    return [
        reverse("declarations:overview"),
        reverse("declarations:commitment-list"),
        data["commitment"].get_absolute_url(),
        reverse("declarations:body-list"),
        data["body"].get_absolute_url(),
        reverse("declarations:overdue"),
        reverse("declarations:declaration-list"),
        data["commitment"].declaration.get_absolute_url(),
        reverse("declarations:methodology"),
        reverse("declarations:changes"),
        reverse("declarations:feed-evidence"),
        reverse("declarations:feed-deadlines"),
        reverse("login"),
        reverse("password_reset"),
    ]


def test_payloads_in_every_query_parameter_are_refused_or_shown_inert(
    client, plain_codebook
):
    parameters = sorted(query_parameters())
    assert len(parameters) >= 15
    before = Declaration.objects.count(), Evidence.objects.count()
    for url in reflected_pages(plain_codebook):
        requests = [{name: PAYLOAD} for name in parameters]
        requests += [dict.fromkeys(parameters, payload) for payload in PAYLOADS]
        for query in requests:
            response = client.get(url, query)
            assert response.status_code in (200, 400, 404), (url, query)
            assert_inert(response, url)
    # The SQL payload was data, not SQL.
    assert (Declaration.objects.count(), Evidence.objects.count()) == before


def test_payloads_in_the_path_are_refused(client, plain_codebook):
    for url in [
        "/commitments/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/commitments/';%20DROP%20TABLE%20x;%20--/",
        "/bodies/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/",
        "/declarations/javascript:alert(1)/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert_inert(response, url)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "https:evil.example",
    ],
)
def test_login_does_not_redirect_off_site(client, target):
    UserFactory(username="amina", password=PASSWORD)
    response = client.post(
        reverse("login"), {"username": "amina", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


# --- evidence URLs ------------------------------------------------------------

BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/x",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_evidence_urls_must_be_http(client, url):
    commitment = CommitmentFactory(reference="AST2005-31")
    analyst = UserFactory(username="analyst")
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    response = client.post(
        reverse("declarations:evidence-create", args=[commitment.reference]),
        {
            "event_date": "2006-08-09",
            "event_date_precision": "day",
            "summary": "Something happened.",
            "source_title": "Wire",
            "source_url": url,
            "direction": "toward",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert not Evidence.objects.exists()
    # Nor through the service (editors' scripts) ...
    with pytest.raises(ValidationError):
        services.evidence_log(
            commitment=commitment,
            logged_by=analyst,
            event_date=datetime.date(2006, 8, 9),
            summary="Something happened.",
            source_title="Wire",
            source_url=url,
        )
    # ... nor straight into the table.
    if url.strip().lower().startswith(("http://", "https://")):
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(commitment=commitment, source_url=url)


# --- CSRF ---------------------------------------------------------------------

SAMPLE_ARGUMENTS = {
    "reference": "HOS-01",
    "slug": "hostile-organ",
    "app_label": "declarations",
    "uidb64": "MQ",
    "token": "set-password",
}


def every_url(resolver=None, namespace="") -> list[str]:
    """One concrete URL for every named pattern of the URLconf."""
    resolver = resolver or get_resolver()
    urls = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            urls += every_url(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names = list(entry.pattern.regex.groupindex)
            kwargs = {name: SAMPLE_ARGUMENTS.get(name, "1") for name in names}
            try:
                urls.append(reverse(namespace + entry.name, kwargs=kwargs))
            except Exception:
                continue
    return sorted(set(urls))


def row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.parametrize("who", ["anonymous", "analyst", "editor"])
def test_every_post_needs_a_csrf_token(hostile_codebook, who):
    client = Client(enforce_csrf_checks=True)
    if who != "anonymous":
        client.force_login(hostile_codebook[who])
    urls = every_url()
    assert len(urls) > 60, "the URLconf walk found too few URLs"
    for must in ["/accounts/login/", "/accounts/logout/", "/admin/logout/"]:
        assert must in urls
    before = row_counts()
    data = {
        "username": "editor",
        "password": PASSWORD,
        "email": "editor@example.org",
        "summary": "x",
        "reason": "x",
        "title": "x",
        "new_password1": PASSWORD,
        "new_password2": PASSWORD,
    }
    for url in urls:
        response = client.post(url, data)
        if url.startswith("/api/"):
            # The read API takes no session and writes nothing: every write
            # method is refused as such (405), token or not.
            assert response.status_code == 405, url
        else:
            assert response.status_code == 403, url
    assert row_counts() == before
    if who != "anonymous":
        # Still logged in: the logout POSTs were refused too.
        assert client.get(reverse("declarations:me")).status_code == 200


def test_a_post_with_the_token_goes_through(hostile_codebook):
    """The control for the sweep above: the refusals are CSRF's, nothing else."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(hostile_codebook["analyst"])
    url = reverse(
        "declarations:evidence-retract", args=[hostile_codebook["evidence"].pk]
    )
    page = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(url, {"reason": "Wrong", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    hostile_codebook["evidence"].refresh_from_db()
    assert hostile_codebook["evidence"].is_retracted


# --- imports ------------------------------------------------------------------

GOOD = (
    "The World and Japan Database\n\n[Title] A declaration\n[Date] July 5, 2005\n"
    "[Full text]\n\nThe parties will act.\n"
)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (GOOD.encode("utf-16"), "binary"),
        (GOOD.replace("parties", "parties café").encode("latin-1"), "not UTF-8"),
        (GOOD.encode("cp1252") + b"\x93quoted\x94", "not UTF-8"),
        (b"", "no [Full text]"),
    ],
)
def test_binary_or_wrongly_encoded_imports_are_refused(tmp_path, content, problem):
    path = tmp_path / "declaration.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=re.escape(problem)) as error:
        call_command("import_declaration", str(path))
    assert "Nothing was imported" in str(error.value)
    assert str(path) in str(error.value)
    assert not Declaration.objects.exists()


def test_a_huge_import_is_refused_without_reading_it(tmp_path, settings):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 4 GB that take no disk
        handle.write(GOOD.encode())
        handle.truncate(4 * 1024**3)
    limit = settings.TRACKER_MAX_IMPORT_BYTES
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="larger than"):
            read_document(path, limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * limit + 1024**2
    with pytest.raises(CommandError, match="too large"):
        call_command("import_declaration", str(path))
    assert not Declaration.objects.exists()


def test_an_endless_stream_is_refused_with_bounded_memory():
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="larger than"):
            read_document("/dev/zero", 1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


# --- accounts: throttling and enumeration -------------------------------------


def login(client, username, password=PASSWORD, address="10.0.0.1", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def normalised(response, username: str) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return text.replace(username, "USERNAME")


def test_login_is_throttled_per_account_and_address(client):
    UserFactory(username="amina", password=PASSWORD)
    UserFactory(username="bahrom", password=PASSWORD)
    failures = [
        login(client, "amina", "wrong guess").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The attempt that reaches the limit is the first one refused.
    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    # Locked: even the right password is refused from that address ...
    locked = login(client, "amina")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... and a forged X-Forwarded-For does not make it another address.
    assert login(client, "amina", HTTP_X_FORWARDED_FOR="192.0.2.7").status_code == 429
    # The account from another address, and another account from this one, are not.
    assert login(Client(), "amina", address="10.0.0.2").status_code == 302
    assert login(Client(), "bahrom", address="10.0.0.1").status_code == 302


def test_login_failure_does_not_tell_whether_the_account_exists(client):
    UserFactory(username="amina", password=PASSWORD)
    existing = login(client, "amina", "wrong guess")
    missing = login(client, "nobody12", "wrong guess")
    assert existing.status_code == missing.status_code == 200
    assert normalised(existing, "amina") == normalised(missing, "nobody12")
    assert "Please enter a correct username and password" in existing.content.decode()


def test_lockout_does_not_tell_whether_the_account_exists(client):
    UserFactory(username="amina", password=PASSWORD)
    responses = {}
    for username in ("amina", "nobody12"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, username, "wrong guess")
        responses[username] = login(client, username, "wrong guess")
    existing, missing = responses["amina"], responses["nobody12"]
    assert existing.status_code == missing.status_code == 429
    assert normalised(existing, "amina") == normalised(missing, "nobody12")


def test_password_reset_does_not_tell_whether_the_account_exists(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="amina", email="amina@example.org")
    # The mail is sent once the request's transaction commits (here: at once).
    with django_capture_on_commit_callbacks(execute=True):
        existing = client.post(
            reverse("password_reset"), {"email": "amina@example.org"}
        )
        missing = client.post(
            reverse("password_reset"), {"email": "nobody@example.org"}
        )
    assert existing.status_code == missing.status_code == 302
    assert existing["Location"] == missing["Location"]
    done = client.get(existing["Location"])
    assert (
        "nobody" not in done.content.decode() and "amina" not in done.content.decode()
    )
    assert len(mailoutbox) == 1


def test_admin_login_does_not_tell_whether_the_account_exists(client):
    UserFactory(username="amina", password=PASSWORD)  # exists, but not staff
    url = reverse("admin:login")
    existing = client.post(url, {"username": "amina", "password": PASSWORD})
    missing = client.post(url, {"username": "nobody", "password": PASSWORD})
    assert existing.status_code == missing.status_code == 200
    assert normalised(existing, "amina") == normalised(missing, "nobody")
