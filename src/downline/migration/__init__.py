"""Measuring real platform jumps from membership and follow data.

- :mod:`downline.migration.io`: :func:`read_migration` reads and validates members,
  identities and follow tables into :class:`MigrationData` (with a
  :class:`ValidationReport`).
- :mod:`downline.migration.calibrate`: :func:`calibrate` estimates the migration model
  (follow probability or thresholds, attrition, backfill) with intervals;
  :func:`forecast` simulates held-back steps with :mod:`downline.cascade`.
- :mod:`downline.migration.generate`: :func:`generate_migration`, migrations with known
  parameters.

Simulating migrations lives in :mod:`downline.cascade`; Bass fits and adopter categories
in :mod:`downline.adoption`.
"""

from downline.migration.calibrate import (
    Calibration,
    Estimate,
    Forecast,
    ThresholdFit,
    Timeline,
    calibrate,
    estimate_attrition,
    estimate_backfill,
    estimate_follow,
    estimate_thresholds,
    forecast,
    timeline,
    wilson,
)
from downline.migration.generate import generate_migration, random_follow_graph
from downline.migration.io import (
    DATE_COLUMNS,
    ISSUE_KINDS,
    MEMBER_COLUMNS,
    MigrationData,
    ValidationReport,
    read_migration,
    write_migration,
)

__all__ = [
    "DATE_COLUMNS",
    "ISSUE_KINDS",
    "MEMBER_COLUMNS",
    "Calibration",
    "Estimate",
    "Forecast",
    "MigrationData",
    "ThresholdFit",
    "Timeline",
    "ValidationReport",
    "calibrate",
    "estimate_attrition",
    "estimate_backfill",
    "estimate_follow",
    "estimate_thresholds",
    "forecast",
    "generate_migration",
    "random_follow_graph",
    "read_migration",
    "timeline",
    "wilson",
    "write_migration",
]
