from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views
from .views import analyst, changes

app_name = "declarations"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment-list"),
    path(
        "commitments/<str:reference>/",
        views.CommitmentDetailView.as_view(),
        name="commitment-detail",
    ),
    path("bodies/", views.BodyListView.as_view(), name="body-list"),
    path("bodies/<slug:slug>/", views.BodyDetailView.as_view(), name="body-detail"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("declarations/", views.DeclarationListView.as_view(), name="declaration-list"),
    path(
        "declarations/<slug:slug>/",
        views.DeclarationDetailView.as_view(),
        name="declaration-detail",
    ),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    path(
        "feeds/deadlines.ics",
        require_safe(feeds.DeadlineCalendar()),
        name="feed-deadlines",
    ),
    path("feeds/evidence/", require_safe(feeds.EvidenceFeed()), name="feed-evidence"),
]

# Analysts' pages and the public changelog (issue 4).
urlpatterns += [
    path(
        "commitments/<str:reference>/evidence/new/",
        analyst.EvidenceCreateView.as_view(),
        name="evidence-create",
    ),
    path(
        "commitments/<str:reference>/assess/",
        analyst.AssessmentCreateView.as_view(),
        name="assessment-create",
    ),
    path(
        "evidence/<int:pk>/retract/",
        analyst.EvidenceRetractView.as_view(),
        name="evidence-retract",
    ),
    path("me/", analyst.MyWorkView.as_view(), name="me"),
    path("changes/", changes.ChangeLogView.as_view(), name="changes"),
]
