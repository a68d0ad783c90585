"""Diffusion of innovations: Bass fits, Rogers categories, network exposure.

- :mod:`downline.adoption.bass`: :class:`BassModel` (Bass 1969; NLS after Srinivasan &
  Mason 1986), forecasts with bands, peak, goodness of fit; :func:`fit_cascade_curve`
  for curves simulated by :mod:`downline.cascade`.
- :mod:`downline.adoption.rogers`: Rogers (2003) adopter categories and the chasm.
- :mod:`downline.adoption.exposure`: network exposure, thresholds and the exposure
  hazard test (Valente 1995).
- :mod:`downline.adoption.network`: :class:`DiffusionNetwork` (graph per period + time of
  adoption + covariates) from node/edge tables, surveys or time-stamped edges;
  :mod:`downline.adoption.netstats`: netdiffuseR's statistics on it (summary with Moran's
  I, exposure, thresholds, infection/susceptibility, classification, diffusion
  regression, structure test).
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
from downline.adoption.netstats import (
    AdoptionCurve,
    Classification,
    DiffusionRegression,
    DiffusionSummary,
    MoranResult,
    StructureTest,
    adoption_curve,
    classify_adopters,
    diffusion_regression,
    infection,
    mean_thresholds_by,
    moran,
    network_thresholds,
    struct_test,
    structural_equivalence,
    summarize,
    susceptibility,
)
from downline.adoption.netstats import exposure as network_exposure
from downline.adoption.network import DiffusionNetwork, read_diffusion_network
from downline.adoption.rogers import CATEGORIES, RogersResult, rogers_categories

__all__ = [
    "CATEGORIES",
    "AdoptionAnalysis",
    "AdoptionCurve",
    "AdoptionData",
    "AdoptionRecord",
    "BassModel",
    "Classification",
    "ConvergenceError",
    "ConvergenceWarning",
    "DiffusionNetwork",
    "DiffusionRegression",
    "DiffusionSummary",
    "ExposureHazard",
    "MoranResult",
    "RogersResult",
    "StructureTest",
    "ThresholdProfile",
    "adoption_curve",
    "adoption_record",
    "analyze_adoption",
    "bass_cdf",
    "bass_pdf",
    "classify_adopters",
    "diffusion_regression",
    "exposure",
    "exposure_hazard",
    "fit_bass",
    "fit_bass_times",
    "fit_cascade_curve",
    "infection",
    "load_example",
    "mean_thresholds_by",
    "moran",
    "network_exposure",
    "network_thresholds",
    "read_adoptions",
    "read_diffusion_network",
    "rogers_categories",
    "struct_test",
    "structural_equivalence",
    "summarize",
    "susceptibility",
    "threshold_profile",
    "thresholds",
    "to_periods",
]
