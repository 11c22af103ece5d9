"""Synthetic data at scale, for load tests and benchmarks (see generator.py)."""

from .generator import (
    BATCH_SIZE,
    COMMITMENTS_PER_DECLARATION,
    SyntheticRefused,
    generate,
)
from .rows import read_ahead

__all__ = [
    "BATCH_SIZE",
    "COMMITMENTS_PER_DECLARATION",
    "SyntheticRefused",
    "generate",
    "read_ahead",
]
