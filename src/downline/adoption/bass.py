"""The Bass (1969) diffusion model: fit, forecast, peak and goodness of fit.

:class:`BassModel` is a scikit-learn-like estimator: hyperparameters go into
``__init__`` unchanged, :meth:`BassModel.fit` learns ``m_``, ``p_``, ``q_`` (and their
covariance) from adoptions per period and returns ``self``. :func:`fit_bass` is the
one-line form and :func:`fit_cascade_curve` fits the mean curve of a simulated cascade.

Time runs from the launch at ``t = 0``; period ``t`` covers ``(t - 1, t]``. Cumulative
adoption is ``N(t) = m F(t)`` with

    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)),

and the adopters of period ``t`` are ``m [F(t) - F(t - 1)]`` (Srinivasan & Mason 1986),
or, with ``curve="density"``, the instantaneous rate ``m f(t)`` read at the period end
(as many textbooks and R's ``nls`` examples fit it). Parameters are found by nonlinear
least squares started from Bass's (1969) discrete OLS estimate.

Reading adoption files and plotting live in :mod:`downline.adoption.io` and
:mod:`downline.adoption.plot`; adopter categories and network exposure elsewhere in this
package.

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
Srinivasan, V., & Mason, C. H. (1986). Nonlinear least squares estimation of new
product diffusion models. Marketing Science 5(2), 169-178.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from downline.adoption.io import to_periods
from downline.errors import ConvergenceError, InputError, ParameterError

__all__ = [
    "BassModel",
    "BassShareFit",
    "ConvergenceError",
    "ConvergenceWarning",
    "bass_cdf",
    "bass_pdf",
    "fit_bass",
    "fit_bass_share",
    "fit_bass_times",
    "fit_cascade_curve",
]

Curve = Literal["discrete", "density"]

# Beyond this multiple of the adopters seen, the market potential is not identified: the
# series has not slowed down yet and any larger m fits about as well.
_M_MAX_FACTOR = 1000.0
# m may sit below the adopters counted (noise in the counts, as in R nls or Srinivasan &
# Mason, who put no bound on m); a fit that ends on this floor is reported.
_M_MIN_FACTOR = 0.5


class ConvergenceWarning(UserWarning):
    """A fit did not converge; the estimates are unreliable (see ``message_``)."""


# -- the curve ----------------------------------------------------------------------


def bass_cdf(t: Any, p: float, q: float) -> np.ndarray:
    """Share of the market potential that has adopted by time ``t``, ``F(t)``.

    Parameters
    ----------
    t : array-like
        Times since launch (``F(0) = 0``).
    p, q : float
        Coefficients of innovation (``p > 0``) and imitation (``q >= 0``).

    Returns
    -------
    ndarray

    Examples
    --------
    >>> float(bass_cdf(0.0, 0.03, 0.38))
    0.0
    >>> round(float(bass_cdf(100.0, 0.03, 0.38)), 6)
    1.0
    """
    t = np.asarray(t, dtype=np.float64)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_pdf(t: Any, p: float, q: float) -> np.ndarray:
    """Adoption density ``f(t) = dF/dt = (p + q F)(1 - F)``.

    Examples
    --------
    >>> round(float(bass_pdf(0.0, 0.03, 0.38)), 6)
    0.03
    """
    t = np.asarray(t, dtype=np.float64)
    e = np.exp(-(p + q) * t)
    return ((p + q) ** 2 / p) * e / (1.0 + (q / p) * e) ** 2


@dataclass(frozen=True)
class BassShareFit:
    """Bass curve ``F(t; p, q)`` fitted to a cumulative share of adopters (``m = 1``).

    Attributes
    ----------
    p, q : float
        Coefficients of innovation and imitation.
    stderr : dict of float
        Their standard errors (``sigma^2 (J'J)^-1`` at the optimum, as R's ``nls``).
    sigma : float
        Residual standard error on ``df = T - 2`` degrees of freedom.
    df : int
    rss : float
        Residual sum of squares.
    fitted : ndarray
        ``F(t)`` at ``t = 1 .. T``.
    converged : bool
    """

    p: float
    q: float
    stderr: dict[str, float]
    sigma: float
    df: int
    rss: float
    fitted: np.ndarray
    converged: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain values (``fitted`` as a list)."""
        return {"p": self.p, "q": self.q, "stderr": dict(self.stderr), "sigma": self.sigma,
                "df": self.df, "rss": self.rss, "fitted": self.fitted.tolist(),
                "converged": self.converged}


def fit_bass_share(share: Any) -> BassShareFit:
    """Fit ``F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})`` to shares at ``t = 1..T``.

    This is netdiffuseR's ``fitbass``: nonlinear least squares of the cumulative
    proportion of adopters on the Bass curve with the market fixed at the whole
    population (``m = 1``), started at ``p`` = the first period's share and ``q = 0.5``.
    It differs from :class:`BassModel`, which fits adopters per period with ``m`` free.
    On netdiffuseR's coded data the last share is 1 (never-adopters "adopt" then).

    Parameters
    ----------
    share : array-like of float
        Cumulative share adopted in periods ``1 .. T`` (``T >= 3``).

    Returns
    -------
    BassShareFit

    Raises
    ------
    InputError
        Fewer than three periods, shares outside [0, 1], or nobody in the first period
        (the start ``p = 0`` is not a Bass curve).

    Examples
    --------
    >>> t = np.arange(1, 11)
    >>> fit = fit_bass_share(bass_cdf(t, 0.02, 0.4))
    >>> round(fit.p, 6), round(fit.q, 6)
    (0.02, 0.4)
    """
    y = np.asarray(share, dtype=np.float64)
    if y.ndim != 1 or y.size < 3:
        raise InputError("fitbass needs the shares of at least three periods", field="share")
    if not np.all(np.isfinite(y)) or np.any((y < 0) | (y > 1)):
        raise InputError("shares must be numbers in [0, 1]", field="share")
    if y[0] <= 0:
        raise InputError("nobody adopted in the first period: fitbass starts at p = that "
                         "share, which must be positive", field="share")
    t = np.arange(1, y.size + 1, dtype=np.float64)

    def resid(theta: np.ndarray) -> np.ndarray:
        return bass_cdf(t, theta[0], theta[1]) - y

    def jac(theta: np.ndarray) -> np.ndarray:
        p, q = theta
        e = np.exp(-(p + q) * t)
        den = 1.0 + (q / p) * e
        num = 1.0 - e
        dnum = t * e  # d num / dp = d num / dq
        dden_dp = (q / p) * e * (-t) - (q / p ** 2) * e
        dden_dq = e / p + (q / p) * e * (-t)
        return np.column_stack([(dnum * den - num * dden_dp) / den ** 2,
                                (dnum * den - num * dden_dq) / den ** 2])

    sol = optimize.least_squares(resid, np.array([y[0], 0.5]), jac=jac, method="lm",
                                 xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=10_000)
    p, q = (float(v) for v in sol.x)
    r = resid(sol.x)
    rss = float(r @ r)
    df = y.size - 2
    sigma = float(np.sqrt(rss / df))
    j = jac(sol.x)
    try:
        cov = np.linalg.inv(j.T @ j) * sigma ** 2
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(2, np.nan)
    return BassShareFit(p=p, q=q, stderr={"p": float(se[0]), "q": float(se[1])},
                        sigma=sigma, df=df, rss=rss, fitted=bass_cdf(t, p, q),
                        converged=bool(sol.success))


def _per_period(t: np.ndarray, m: float, p: float, q: float, curve: Curve) -> np.ndarray:
    if curve == "density":
        return m * bass_pdf(t, p, q)
    return m * (bass_cdf(t, p, q) - bass_cdf(t - 1.0, p, q))


# -- input checks ---------------------------------------------------------------------


def _check_series(y: Any, t: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"adopters per period must be numbers: {exc}", field="adopters") from None
    if y.ndim != 1:
        raise InputError("adopters per period must be a one-dimensional series", field="adopters")
    if y.shape[0] < 3:
        raise InputError(
            f"a Bass fit needs at least 3 periods (3 parameters), got {y.shape[0]}",
            field="adopters",
        )
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise InputError(f"adopters of period {int(bad[0]) + 1} is {y[bad[0]]!r}", field="adopters")
    neg = np.flatnonzero(y < 0)
    if neg.size:
        raise InputError(
            f"adopters cannot be negative: period {int(neg[0]) + 1} has {y[neg[0]]:g}",
            field="adopters",
        )
    if not np.any(y > 0):
        raise InputError("the series has no adopters (all periods are zero)", field="adopters")
    if t is None:
        t = np.arange(1, y.shape[0] + 1, dtype=np.float64)
    else:
        t = np.asarray(t, dtype=np.float64)
        if t.shape != y.shape:
            raise InputError(f"t has {t.size} entries for {y.size} periods", field="t")
        if not np.all(np.isfinite(t)) or np.any(t <= 0):
            raise InputError("periods t must be finite and > 0 (launch is t = 0)", field="t")
        steps = np.diff(t)
        if np.any(steps <= 0):
            i = int(np.flatnonzero(steps <= 0)[0])
            what = "repeated" if steps[i] == 0 else "out of order"
            raise InputError(f"period t = {t[i + 1]:g} is {what}; sort periods first", field="t")
    return y, t


# -- the estimator ---------------------------------------------------------------------


class BassModel:
    """Bass diffusion model fitted by nonlinear least squares.

    Parameters
    ----------
    curve : {"discrete", "density"}, default "discrete"
        What one period's adopters are: ``m [F(t) - F(t-1)]`` (Srinivasan & Mason 1986,
        exact for counts per period) or ``m f(t)`` at the period end (the continuous
        density, as in many textbook fits).
    alpha : float, default 0.05
        Default ``1 - confidence`` of :meth:`conf_int` and :meth:`forecast`.
    strict : bool, default False
        Raise :class:`ConvergenceError` when the fit does not converge, instead of
        warning with :class:`ConvergenceWarning` and setting ``converged_ = False``.
    max_nfev : int, default 2000
        Evaluation budget of the least-squares solver.

    Attributes
    ----------
    m_, p_, q_ : float
        Market potential, coefficient of innovation, coefficient of imitation.
    cov_ : ndarray of shape (3, 3)
        Asymptotic covariance of ``(m, p, q)``: ``s^2 (J'J)^{-1}``, ``s^2 = SSE / (T - 3)``.
    stderr_ : ndarray of shape (3,)
        Standard errors of ``(m, p, q)`` (NaN when ``T = 3``: no degrees of freedom).
    ols_ : dict
        Bass's (1969) OLS estimate from ``n_t = a + b N_{t-1} + c N_{t-1}^2`` (``m``,
        ``p``, ``q``, ``a``, ``b``, ``c`` and ``valid``), the default starting point.
    peak_time_, peak_level_ : float
        Time of the adoption peak ``ln(q/p) / (p + q)`` (0 when ``q <= p``) and the
        adoption rate ``m f(t*)`` there, in adopters per unit time.
    r2_, rmse_, sse_ : float
        Goodness of fit on the per-period adopters.
    dof_ : int
        Residual degrees of freedom ``T - 3``.
    sigma_ : float
        Residual standard deviation ``sqrt(SSE / dof)``.
    converged_ : bool
        Whether the solver converged to an interior optimum with a usable covariance.
    message_ : str
        Why not, or ``"converged"``.
    n_periods_ : int
        Number of periods fitted.
    t_, y_ : ndarray
        The periods and adopters fitted.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(1, 16)
    >>> y = BassModel.simulate(t, m=10_000, p=0.02, q=0.5)
    >>> model = BassModel().fit(y)
    >>> round(model.p_, 3), round(model.q_, 2), round(model.m_)
    (0.02, 0.5, 10000)

    References
    ----------
    Bass (1969); Srinivasan & Mason (1986), see the module docstring.
    """

    def __init__(
        self,
        curve: Curve = "discrete",
        alpha: float = 0.05,
        strict: bool = False,
        max_nfev: int = 2000,
    ) -> None:
        self.curve = curve
        self.alpha = alpha
        self.strict = strict
        self.max_nfev = max_nfev

    # -- helpers ------------------------------------------------------------------
    @staticmethod
    def simulate(
        t: Any, m: float, p: float, q: float, curve: Curve = "discrete"
    ) -> np.ndarray:
        """Expected adopters per period for given parameters (no noise).

        Examples
        --------
        >>> BassModel.simulate([1, 2], m=1000, p=0.1, q=0.0).round(1).tolist()
        [95.2, 86.1]
        """
        return _per_period(np.asarray(t, dtype=np.float64), m, p, q, curve)

    def _check_params(self) -> None:
        if self.curve not in ("discrete", "density"):
            raise ParameterError(
                f"curve must be 'discrete' or 'density', not {self.curve!r}", field="curve"
            )
        _check_alpha(self.alpha)
        if int(self.max_nfev) <= 0:
            raise ParameterError("max_nfev must be positive", field="max_nfev")

    def _check_fitted(self) -> None:
        if not hasattr(self, "m_"):
            raise ParameterError("this BassModel is not fitted yet; call fit() first")

    # -- fitting ------------------------------------------------------------------
    def fit(self, y: Any, t: Any = None) -> BassModel:
        """Fit ``m``, ``p``, ``q`` to adopters per period.

        Parameters
        ----------
        y : array-like of shape (T,)
            Adopters (or sales) in each period, non-negative, ``T >= 3``.
        t : array-like of shape (T,), optional
            The period of each value, measured from the launch at 0 (period ``t``
            covers ``(t-1, t]``); strictly increasing. Default ``1, 2, ..., T``. Gaps
            are missing periods (not zeros).

        Returns
        -------
        BassModel
            ``self``, fitted.

        Raises
        ------
        InputError
            Fewer than 3 periods, negative, non-finite or all-zero adopters, or
            repeated / unsorted periods.
        ConvergenceError
            With ``strict=True``, when the fit does not converge.

        Notes
        -----
        The start is Bass's OLS estimate (regress ``n_t`` on ``N_{t-1}`` and
        ``N_{t-1}^2``, solve for ``m, p, q``); when its roots are invalid (``c >= 0``,
        ``m`` below half the adopters seen, ``p <= 0`` or ``q < 0``) or fit worse, the best
        point of a ``(p, q)`` grid (with ``m`` solved linearly) is used too, and the
        lower-SSE solution is kept. Bounds: ``p > 0``, ``q >= 0``, and
        ``0.5 sum(y) <= m <= 1000 sum(y)`` (``m`` may end below the adopters counted:
        the counts are noisy, and neither R's ``nls`` nor Srinivasan & Mason bound it);
        a fit that ends on either bound of ``m`` (at the upper one the series shows no
        slowdown, so ``m`` is not identified) or on ``p``'s floor is reported as not
        converged.
        """
        self._check_params()
        y, t = _check_series(y, t)
        total = float(y.sum())
        curve = self.curve

        def residuals(theta: np.ndarray) -> np.ndarray:
            return _per_period(t, theta[0], theta[1], theta[2], curve) - y

        self.ols_ = _ols_start(y, t)
        starts = []
        if self.ols_["valid"]:
            starts.append(np.array([self.ols_["m"], self.ols_["p"], self.ols_["q"]]))
        starts.append(_grid_start(y, t, curve))

        m_hi = _M_MAX_FACTOR * total
        m_lo = _M_MIN_FACTOR * total
        lo = np.array([m_lo, 1e-7, 0.0])
        hi = np.array([m_hi, 1.0, 5.0])
        best = None
        for x0 in starts:
            x0 = np.clip(x0, lo * (1 + 1e-9) + 1e-12, hi * (1 - 1e-9))
            res = optimize.least_squares(
                residuals, x0, bounds=(lo, hi), method="trf", x_scale="jac",
                xtol=1e-12, ftol=1e-12, gtol=1e-12, max_nfev=int(self.max_nfev),
            )
            if best is None or res.cost < best.cost:
                best = res
        assert best is not None
        m, p, q = (float(v) for v in best.x)
        r = residuals(best.x)
        sse = float(r @ r)
        n = y.shape[0]
        dof = n - 3
        jac = _jacobian(t, m, p, q, curve)
        converged, message = bool(best.success), "converged"
        if not best.success:
            message = f"solver stopped: {best.message}"
        if m >= m_hi * (1 - 1e-6):
            converged = False
            message = (
                "market potential not identified: m ran to its bound "
                f"({_M_MAX_FACTOR:g} x adopters seen); the series shows no slowdown yet"
            )
        elif m <= m_lo * (1 + 1e-6):
            converged = False
            message = (
                f"market potential ran to its floor ({_M_MIN_FACTOR:g} x adopters seen): "
                "the Bass curve does not fit this series"
            )
        elif p <= 1e-6:
            converged = False
            message = "coefficient of innovation p ran to its floor (1e-7); p is not identified"
        cov = np.full((3, 3), np.nan)
        if dof > 0:
            s2 = sse / dof
            try:
                # Scale columns first: m and p differ by many orders of magnitude.
                norms = np.linalg.norm(jac, axis=0)
                if np.any(norms == 0):
                    raise np.linalg.LinAlgError("zero column")
                js = jac / norms
                jtj = js.T @ js
                if np.linalg.cond(jtj) > 1e12:
                    raise np.linalg.LinAlgError("singular")
                cov = s2 * np.linalg.inv(jtj) / np.outer(norms, norms)
            except np.linalg.LinAlgError:
                if converged:
                    message = "the Jacobian is singular at the solution: parameters not identified"
                converged = False
        self.m_, self.p_, self.q_ = m, p, q
        self.cov_ = cov
        self.stderr_ = np.sqrt(np.clip(np.diag(cov), 0, None)) if dof > 0 else np.full(3, np.nan)
        self.sse_ = sse
        self.dof_ = dof
        self.sigma_ = float(np.sqrt(sse / dof)) if dof > 0 else float("nan")
        self.rmse_ = float(np.sqrt(sse / n))
        sst = float(((y - y.mean()) ** 2).sum())
        self.r2_ = 1.0 - sse / sst if sst > 0 else float("nan")
        self.n_periods_ = n
        self.t_, self.y_ = t, y
        self.nfev_ = int(best.nfev)
        if q > p:
            self.peak_time_ = float(np.log(q / p) / (p + q))
            self.peak_level_ = float(m * (p + q) ** 2 / (4.0 * q))
        else:
            self.peak_time_ = 0.0
            self.peak_level_ = float(m * p)
        self.converged_ = converged
        self.message_ = message
        if not converged:
            if self.strict:
                raise ConvergenceError(f"Bass fit did not converge: {message}")
            warnings.warn(f"Bass fit did not converge: {message}", ConvergenceWarning,
                          stacklevel=2)
        return self

    # -- answers ------------------------------------------------------------------
    @property
    def params_(self) -> dict[str, float]:
        """The fitted ``{"m": ..., "p": ..., "q": ...}``."""
        self._check_fitted()
        return {"m": self.m_, "p": self.p_, "q": self.q_}

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Wald confidence intervals of ``m``, ``p``, ``q``.

        Uses Student's t with ``T - 3`` degrees of freedom (the NLS convention, as R's
        ``confint.default`` with a t quantile).

        Parameters
        ----------
        alpha : float, optional
            ``1 - confidence``; default the model's ``alpha``.

        Returns
        -------
        DataFrame
            Index ``m, p, q``; columns ``estimate, stderr, lower, upper``.
        """
        self._check_fitted()
        alpha = self.alpha if alpha is None else _check_alpha(alpha)
        est = np.array([self.m_, self.p_, self.q_])
        half = self._tq(alpha) * self.stderr_
        return pd.DataFrame(
            {"estimate": est, "stderr": self.stderr_, "lower": est - half, "upper": est + half},
            index=pd.Index(["m", "p", "q"], name="parameter"),
        )

    def _tq(self, alpha: float) -> float:
        if self.dof_ <= 0:
            return float("nan")
        return float(stats.t.ppf(1.0 - alpha / 2.0, self.dof_))

    def predict(self, t: Any) -> np.ndarray:
        """Expected adopters in periods ``t`` (same curve as the fit).

        Examples
        --------
        >>> m = BassModel().fit([10, 30, 60, 80, 60, 30, 12])
        >>> m.predict([1, 2]).shape
        (2,)
        """
        self._check_fitted()
        return _per_period(np.asarray(t, dtype=np.float64), self.m_, self.p_, self.q_,
                           self.curve)

    def predict_cumulative(self, t: Any) -> np.ndarray:
        """Expected cumulative adopters ``m F(t)`` by time ``t``."""
        self._check_fitted()
        return self.m_ * bass_cdf(t, self.p_, self.q_)

    def forecast(self, horizon: int, alpha: float | None = None) -> pd.DataFrame:
        """Fitted and forecast adopters per period with confidence and prediction bands.

        Parameters
        ----------
        horizon : int
            Periods to forecast past the last fitted one (0 gives the fitted curve).
        alpha : float, optional
            ``1 - confidence`` of the bands; default the model's ``alpha``.

        Returns
        -------
        DataFrame
            One row per period ``t`` (fitted periods, then ``horizon`` more) with
            ``observed`` (NaN in the future), ``adopters`` (expected), ``lower`` /
            ``upper`` (confidence band of the expected curve, delta method),
            ``pred_lower`` / ``pred_upper`` (prediction band of a new observation:
            adds the residual variance), ``cumulative`` (``m F(t)``) and ``forecast``
            (whether the period is in the future).

        Examples
        --------
        >>> m = BassModel().fit([10, 30, 60, 80, 60, 30, 12])
        >>> m.forecast(3).shape[0]
        10
        """
        self._check_fitted()
        if int(horizon) != horizon or horizon < 0:
            raise ParameterError(f"horizon must be a whole number >= 0, not {horizon!r}",
                                 field="horizon")
        alpha = self.alpha if alpha is None else _check_alpha(alpha)
        last = float(self.t_[-1])
        future = last + np.arange(1, int(horizon) + 1, dtype=np.float64)
        t = np.concatenate([self.t_, future])
        mean = self.predict(t)
        g = _jacobian(t, self.m_, self.p_, self.q_, self.curve)
        var = np.einsum("ij,jk,ik->i", g, self.cov_, g)
        tq = self._tq(alpha)
        se = np.sqrt(np.clip(var, 0, None))
        pse = np.sqrt(np.clip(var, 0, None) + self.sigma_**2)
        observed = np.concatenate([self.y_, np.full(future.shape, np.nan)])
        return pd.DataFrame(
            {
                "t": t,
                "observed": observed,
                "adopters": mean,
                "lower": np.clip(mean - tq * se, 0, None),
                "upper": mean + tq * se,
                "pred_lower": np.clip(mean - tq * pse, 0, None),
                "pred_upper": mean + tq * pse,
                "cumulative": self.predict_cumulative(t),
                "forecast": t > last,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Parameters, intervals, peak, fit statistics and convergence as plain values."""
        self._check_fitted()
        ci = self.conf_int()
        out: dict[str, Any] = {"m": self.m_, "p": self.p_, "q": self.q_}
        for name in ("m", "p", "q"):
            row = ci.loc[name]
            out[f"{name}_stderr"] = float(row["stderr"])
            out[f"{name}_ci"] = [float(row["lower"]), float(row["upper"])]
        out.update(
            alpha=self.alpha,
            curve=self.curve,
            peak_time=self.peak_time_,
            peak_level=self.peak_level_,
            r2=self.r2_,
            rmse=self.rmse_,
            sse=self.sse_,
            sigma=self.sigma_,
            dof=self.dof_,
            n_periods=self.n_periods_,
            converged=self.converged_,
            message=self.message_,
            ols={k: (bool(v) if k == "valid" else float(v)) for k, v in self.ols_.items()},
        )
        return out

    def __repr__(self) -> str:
        args = f"curve={self.curve!r}, alpha={self.alpha!r}, strict={self.strict!r}"
        if hasattr(self, "m_"):
            return f"BassModel({args}) [m={self.m_:.4g}, p={self.p_:.4g}, q={self.q_:.4g}]"
        return f"BassModel({args})"

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Hyperparameters, as scikit-learn's ``get_params``."""
        return {"curve": self.curve, "alpha": self.alpha, "strict": self.strict,
                "max_nfev": self.max_nfev}


# -- starting points and derivatives -------------------------------------------------------


def _ols_start(y: np.ndarray, t: np.ndarray) -> dict[str, float]:
    """Bass's OLS: ``n_t = a + b N_{t-1} + c N_{t-1}^2`` on consecutive periods.

    ``N_{t-1}`` needs every period from the launch, so with gaps or a first period
    other than 1 the estimate is computed on what is there but marked invalid.
    """
    complete = bool(t[0] == 1 and np.all(np.diff(t) == 1))
    cum_before = np.concatenate([[0.0], np.cumsum(y)[:-1]])
    x = np.column_stack([np.ones_like(y), cum_before, cum_before**2])
    scale = max(float(y.sum()), 1.0)
    xs = x / np.array([1.0, scale, scale**2])
    coef, *_ = np.linalg.lstsq(xs, y, rcond=None)
    a, b, c = coef[0], coef[1] / scale, coef[2] / scale**2
    out = {"a": float(a), "b": float(b), "c": float(c), "m": float("nan"),
           "p": float("nan"), "q": float("nan"), "valid": False}
    disc = b * b - 4.0 * a * c
    if c < 0 and disc >= 0:
        m = (-b - np.sqrt(disc)) / (2.0 * c)
        if m > 0:
            p, q = a / m, -c * m
            out.update(m=float(m), p=float(p), q=float(q))
            in_range = m >= _M_MIN_FACTOR * y.sum() and 0 < p < 1 and 0 <= q < 5
            out["valid"] = bool(complete and in_range)
    return out


def _grid_start(y: np.ndarray, t: np.ndarray, curve: Curve) -> np.ndarray:
    """Best ``(m, p, q)`` on a log grid of ``p`` and grid of ``q``, ``m`` solved linearly."""
    total = float(y.sum())
    p = np.geomspace(1e-4, 0.5, 30)[:, None, None]
    q = np.concatenate([[0.0], np.geomspace(0.01, 3.0, 30)])[None, :, None]
    shape = _per_period(t[None, None, :], 1.0, p, q, curve)
    den = np.einsum("ijk,ijk->ij", shape, shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.einsum("ijk,k->ij", shape, y) / den
    m = np.clip(np.nan_to_num(m, nan=total), _M_MIN_FACTOR * total * 1.01,
                _M_MAX_FACTOR * total * 0.99)
    sse = np.einsum("ijk,ijk->ij", m[:, :, None] * shape - y, m[:, :, None] * shape - y)
    i, j = np.unravel_index(int(np.nanargmin(sse)), sse.shape)
    return np.array([m[i, j], float(p[i, 0, 0]), float(q[0, j, 0])])


def _jacobian(t: np.ndarray, m: float, p: float, q: float, curve: Curve) -> np.ndarray:
    """d(per-period adopters)/d(m, p, q) by central differences (relative steps)."""
    t = np.asarray(t, dtype=np.float64)
    base = _per_period(t, 1.0, p, q, curve)
    cols = [base]
    for k, v in ((1, p), (2, q)):
        h = 1e-6 * max(abs(v), 1e-4)
        hi = [p, q]
        lo = [p, q]
        hi[k - 1] = v + h
        lo[k - 1] = max(v - h, 1e-12) if k == 1 else v - h
        step = hi[k - 1] - lo[k - 1]
        cols.append(m * (_per_period(t, 1.0, *hi, curve) - _per_period(t, 1.0, *lo, curve))
                    / step)
    return np.column_stack(cols)


def _check_alpha(alpha: float) -> float:
    if not 0.0 < float(alpha) < 1.0:
        raise ParameterError(f"alpha must be in (0, 1), not {alpha!r}", field="alpha")
    return float(alpha)


# -- convenience ------------------------------------------------------------------------


def fit_bass(
    adopters: Sequence[float] | np.ndarray | pd.Series,
    t: Sequence[float] | np.ndarray | None = None,
    **params: Any,
) -> BassModel:
    """Fit a :class:`BassModel` to adopters per period in one call.

    Parameters
    ----------
    adopters : array-like
        Adopters per period (see :meth:`BassModel.fit`).
    t : array-like, optional
        Periods since launch; default ``1..T``.
    **params
        Hyperparameters of :class:`BassModel` (``curve``, ``alpha``, ``strict``).

    Returns
    -------
    BassModel
        Fitted.

    Examples
    --------
    >>> fit = fit_bass([96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586, 1673, 1800, 1580,
    ...                 1500])
    >>> fit.converged_
    True
    """
    return BassModel(**params).fit(adopters, t)


def fit_bass_times(
    times: Any, freq: str | float | None = None, **params: Any
) -> BassModel:
    """Fit a :class:`BassModel` to adoption timestamps (one per adopter).

    The times are binned with :func:`downline.adoption.to_periods` (any order; ties are
    separate adopters; the first adopter's period is the launch period, ``t = 1``).

    Parameters
    ----------
    times : array-like or Series
        Numbers or datetimes.
    freq : str or float, optional
        Period: ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"`` for datetimes, a length for
        numbers; default the coarsest giving at least 8 periods.
    **params
        Hyperparameters of :class:`BassModel`.

    Examples
    --------
    >>> import numpy as np
    >>> times = np.random.default_rng(0).logistic(20, 4, size=3000)
    >>> fit_bass_times(times, freq=2).converged_
    True
    """
    periods, counts, _, _ = to_periods(times, freq)
    return BassModel(**params).fit(counts, periods.astype(np.float64))


def fit_cascade_curve(
    curve: Sequence[float] | np.ndarray | Any,
    *,
    population: int | None = None,
    include_seeds: bool = True,
    **params: Any,
) -> BassModel:
    """Fit Bass to a simulated cumulative adoption curve (say ``SpreadEstimate.curve``).

    Parameters
    ----------
    curve : array-like or SpreadEstimate
        Mean cumulative adopters at steps ``0, 1, 2, ...`` of a cascade (step 0 holds
        the seeds), non-decreasing; or anything with such a ``.curve`` (the result of
        :func:`downline.cascade.simulate`).
    population : int, optional
        Network size; when given, ``m_share_`` (``m / population``) is set on the model.
    include_seeds : bool, default True
        Count the seeds as the adopters of period 1 (the launch period) and step ``k``'s
        new adopters as period ``k + 1``. With False, the seeds are dropped and step
        ``k`` is period ``k`` (the market is then the non-seeds).
    **params
        Hyperparameters of :class:`BassModel`.

    Returns
    -------
    BassModel
        Fitted; the ``p_`` and ``q_`` a network and a follow rule imply.

    Examples
    --------
    >>> import numpy as np
    >>> steps = BassModel.simulate(np.arange(1, 13), m=500, p=0.05, q=0.6)
    >>> fit = fit_cascade_curve(np.cumsum(steps))
    >>> round(fit.q_, 2)
    0.6
    """
    if hasattr(curve, "curve"):
        curve = curve.curve
    c = np.asarray(curve, dtype=np.float64)
    if c.ndim != 1 or c.shape[0] < 3:
        raise InputError("a cascade curve needs at least 3 steps", field="curve")
    if not np.all(np.isfinite(c)):
        raise InputError("the cascade curve has non-finite values", field="curve")
    if np.any(np.diff(c) < -1e-9 * max(1.0, float(np.abs(c).max()))):
        raise InputError("a cumulative curve cannot decrease", field="curve")
    new = np.diff(np.concatenate([[0.0], c])) if include_seeds else np.diff(c)
    new = np.clip(new, 0.0, None)
    model = BassModel(**params).fit(new)
    if population is not None:
        if population <= 0:
            raise ParameterError("population must be positive", field="population")
        model.m_share_ = model.m_ / float(population)
    return model
