"""The public pages, one module per family of pages."""

from .bodies import BodyDetailView, BodyListView
from .commitments import CommitmentDetailView, CommitmentListView
from .declarations import DeclarationDetailView, DeclarationListView
from .overdue import OverdueView
from .overview import MethodologyView, OverviewView

__all__ = [
    "BodyDetailView",
    "BodyListView",
    "CommitmentDetailView",
    "CommitmentListView",
    "DeclarationDetailView",
    "DeclarationListView",
    "MethodologyView",
    "OverdueView",
    "OverviewView",
]
