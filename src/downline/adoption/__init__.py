"""Diffusion of innovations: Bass fits, Rogers categories, network exposure.

- :mod:`downline.adoption.bass`: :class:`BassModel` (Bass 1969; NLS after Srinivasan &
  Mason 1986), forecasts with bands, peak, goodness of fit; :func:`fit_cascade_curve`
  for curves simulated by :mod:`downline.cascade`.
- :mod:`downline.adoption.rogers`: Rogers (2003) adopter categories and the chasm.
- :mod:`downline.adoption.exposure`: network exposure, thresholds and the exposure
  hazard test (Valente 1995).
- :mod:`downline.adoption.io` reads adoption files; :mod:`downline.adoption.plot` draws
  PNG/HTML figures; :func:`load_example` loads the shipped data series.

Simulating cascades lives in :mod:`downline.cascade`; measuring real migrations in
:mod:`downline.migration`.
"""

from downline.adoption.analysis import (
    AdoptionAnalysis,
    AdoptionRecord,
    adoption_record,
    analyze_adoption,
)
from downline.adoption.bass import (
    BassModel,
    ConvergenceError,
    ConvergenceWarning,
    bass_cdf,
    bass_pdf,
    fit_bass,
    fit_bass_times,
    fit_cascade_curve,
)
from downline.adoption.data import load_example
from downline.adoption.exposure import (
    ExposureHazard,
    ThresholdProfile,
    exposure,
    exposure_hazard,
    threshold_profile,
    thresholds,
)
from downline.adoption.io import AdoptionData, read_adoptions, to_periods
from downline.adoption.rogers import CATEGORIES, RogersResult, rogers_categories

__all__ = [
    "CATEGORIES",
    "AdoptionAnalysis",
    "AdoptionData",
    "AdoptionRecord",
    "BassModel",
    "ConvergenceError",
    "ConvergenceWarning",
    "ExposureHazard",
    "RogersResult",
    "ThresholdProfile",
    "adoption_record",
    "analyze_adoption",
    "bass_cdf",
    "bass_pdf",
    "exposure",
    "exposure_hazard",
    "fit_bass",
    "fit_bass_times",
    "fit_cascade_curve",
    "load_example",
    "read_adoptions",
    "rogers_categories",
    "threshold_profile",
    "thresholds",
    "to_periods",
]
