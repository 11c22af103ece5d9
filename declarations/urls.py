from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views
from .page_cache import public_page
from .views import analyst, changes, coding, compare, releases, review
from .views.commitments import follows_former_references

app_name = "declarations"

urlpatterns = [
    path("", public_page(views.OverviewView.as_view()), name="overview"),
    path(
        "commitments/",
        public_page(views.CommitmentListView.as_view()),
        name="commitment-list",
    ),
    path(
        "commitments/<str:reference>/",
        follows_former_references(public_page(views.CommitmentDetailView.as_view())),
        name="commitment-detail",
    ),
    path("bodies/", public_page(views.BodyListView.as_view()), name="body-list"),
    path(
        "bodies/<slug:slug>/",
        public_page(views.BodyDetailView.as_view()),
        name="body-detail",
    ),
    path("overdue/", public_page(views.OverdueView.as_view()), name="overdue"),
    path(
        "declarations/",
        public_page(views.DeclarationListView.as_view()),
        name="declaration-list",
    ),
    path(
        "declarations/compare/",
        public_page(compare.DeclarationCompareView.as_view()),
        name="declaration-compare",
    ),
    path(
        "declarations/<slug:slug>/",
        public_page(views.DeclarationDetailView.as_view()),
        name="declaration-detail",
    ),
    path(
        "methodology/", public_page(views.MethodologyView.as_view()), name="methodology"
    ),
    path(
        "feeds/deadlines.ics",
        public_page(require_safe(feeds.DeadlineCalendar())),
        name="feed-deadlines",
    ),
    path(
        "feeds/evidence/",
        public_page(require_safe(feeds.EvidenceFeed())),
        name="feed-evidence",
    ),
]

# Analysts' pages and the public changelog (issue 4).
urlpatterns += [
    path(
        "commitments/<str:reference>/evidence/new/",
        follows_former_references(analyst.EvidenceCreateView.as_view()),
        name="evidence-create",
    ),
    path(
        "commitments/<str:reference>/assess/",
        follows_former_references(analyst.AssessmentCreateView.as_view()),
        name="assessment-create",
    ),
    path(
        "evidence/<int:pk>/retract/",
        analyst.EvidenceRetractView.as_view(),
        name="evidence-retract",
    ),
    path("me/", analyst.MyWorkView.as_view(), name="me"),
    path("review/", review.ReviewQueueView.as_view(), name="review"),
    path(
        "review/<int:pk>/",
        review.ReviewAssessmentView.as_view(),
        name="review-assessment",
    ),
    path("changes/", public_page(changes.ChangeLogView.as_view()), name="changes"),
]

# Blind double coding (issue 10, item 5); the review queue /review/ links here.
urlpatterns += [
    path("review/coding/", coding.CodingRoundsView.as_view(), name="coding-rounds"),
    path(
        "review/coding/open/",
        coding.CodingRoundOpenView.as_view(),
        name="coding-round-open",
    ),
    path(
        "review/coding/<int:pk>/settle/",
        coding.CodingRoundSettleView.as_view(),
        name="coding-round-settle",
    ),
    path(
        "review/coding/<int:pk>/close/",
        coding.CodingRoundCloseView.as_view(),
        name="coding-round-close",
    ),
]

# Open data: the data releases (issue 13); the API is under /api/ (tracker/urls.py).
urlpatterns += [
    path("data/", releases.DataReleasesView.as_view(), name="data-releases"),
    path(
        "data/<str:version>/<path:name>",
        releases.release_file,
        name="data-release-file",
    ),
]
