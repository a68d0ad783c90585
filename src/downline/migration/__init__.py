"""Measuring real platform jumps from membership and follow data.

- :mod:`downline.migration.io`: :func:`read_migration` reads and validates members,
  identities and follow tables into :class:`MigrationData` (with a
  :class:`ValidationReport`).
- :mod:`downline.migration.followthrough`: :func:`follow_through`, the ranked table of
  movers whose followers moved after them (share, lift, re-follows, lag).
- :mod:`downline.migration.exposure`: who dragged whom, exposure and thresholds at moving
  time, Rogers categories (:mod:`downline.adoption`).
- :mod:`downline.migration.survival`: Kaplan-Meier retention per platform, cohort and
  category; a sponsor-tree downline after its leader left (:mod:`downline.genealogy`).
- :mod:`downline.migration.calibrate`: :func:`calibrate` estimates the migration model
  (follow probability or thresholds, attrition, backfill) with intervals;
  :func:`forecast` simulates held-back steps with :mod:`downline.cascade`.
- :mod:`downline.migration.report`: :func:`migration_report`, all of it at once (what
  ``downline migration report`` prints).
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
from downline.migration.exposure import (
    adopter_categories,
    exposure_test,
    moving_exposure,
    moving_steps,
    who_dragged_whom,
)
from downline.migration.followthrough import follow_through
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
from downline.migration.report import MigrationReport, migration_report
from downline.migration.survival import (
    LeaderDeparture,
    Retention,
    SurvivalCurve,
    kaplan_meier,
    leader_departure,
    retention,
)

__all__ = [
    "DATE_COLUMNS",
    "ISSUE_KINDS",
    "MEMBER_COLUMNS",
    "Calibration",
    "Estimate",
    "Forecast",
    "LeaderDeparture",
    "MigrationData",
    "MigrationReport",
    "Retention",
    "SurvivalCurve",
    "ThresholdFit",
    "Timeline",
    "ValidationReport",
    "adopter_categories",
    "calibrate",
    "estimate_attrition",
    "estimate_backfill",
    "estimate_follow",
    "estimate_thresholds",
    "exposure_test",
    "follow_through",
    "forecast",
    "generate_migration",
    "kaplan_meier",
    "leader_departure",
    "migration_report",
    "moving_exposure",
    "moving_steps",
    "random_follow_graph",
    "read_migration",
    "retention",
    "timeline",
    "who_dragged_whom",
    "wilson",
    "write_migration",
]
