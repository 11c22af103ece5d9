"""/api/: the lists, their records, the schema and its documentation.

Every endpoint answers GET and HEAD (and OPTIONS); any other method gets 405.
Each JSON answer carries an ETag, so a client that sends it back in
If-None-Match gets 304 Not Modified when nothing it asked about has changed.
"""

from django.middleware.http import ConditionalGetMiddleware
from django.urls import path
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.views import SpectacularJSONAPIView

from ..views.commitments import follows_former_references
from . import docs, views

app_name = "api"

conditional = decorator_from_middleware(ConditionalGetMiddleware)


def endpoints(
    prefix: str, name: str, viewset, detail: str | None = None, wrap=None
) -> list:
    """The list at ``prefix`` and, given a converter, each record under it
    (through ``wrap``, if given)."""
    found = [
        path(
            f"{prefix}/",
            conditional(viewset.as_view({"get": "list"}, basename=name)),
            name=f"{name}-list",
        )
    ]
    if detail:
        record = conditional(viewset.as_view({"get": "retrieve"}, basename=name))
        found.append(
            path(
                f"{prefix}/<{detail}>/",
                wrap(record) if wrap else record,
                name=f"{name}-detail",
            )
        )
    return found


urlpatterns = [
    path("", conditional(views.ApiRoot.as_view()), name="root"),
    path("schema/", conditional(SpectacularJSONAPIView.as_view()), name="schema"),
    path("docs/", docs.ApiDocsView.as_view(), name="docs"),
    *endpoints("declarations", "declaration", views.DeclarationViewSet, "slug:slug"),
    *endpoints("paragraphs", "paragraph", views.ParagraphViewSet),
    *endpoints("bodies", "body", views.BodyViewSet, "slug:slug"),
    *endpoints(
        "commitments",
        "commitment",
        views.CommitmentViewSet,
        "str:reference",
        wrap=follows_former_references,
    ),
    *endpoints(
        "commitment-links",
        "commitment-link",
        views.CommitmentLinkViewSet,
        "int:pk",
    ),
    *endpoints("evidence", "evidence", views.EvidenceViewSet, "int:pk"),
    *endpoints("assessments", "assessment", views.AssessmentViewSet, "int:pk"),
    *endpoints(
        "member-state-assessments",
        "member-state-assessment",
        views.MemberStateAssessmentViewSet,
        "int:pk",
    ),
    *endpoints(
        "deadline-revisions",
        "deadline-revision",
        views.DeadlineRevisionViewSet,
        "int:pk",
    ),
    path("changes/", conditional(views.ChangeList.as_view()), name="change-list"),
]
