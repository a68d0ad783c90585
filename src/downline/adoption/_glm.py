"""Binomial GLM by iteratively reweighted least squares, step for step as R's ``glm.fit``.

The diffusion regression (:func:`downline.adoption.netstats.diffusion_regression`) is
netdiffuseR's ``diffreg``, a call to R's ``glm``. Reproducing its printed coefficients
and standard errors to the last digit needs R's algorithm, not only the same optimum:
the same start (``mustart = (y + 1/2) / 2``), the same stopping rule
(``|dev - dev_old| / (|dev| + 0.1) < 1e-8``, at most 25 iterations), the same clamps in
the links, and standard errors from the weights of the last iteration's start (R takes
them from the last QR it solved). This matters when a term is perfectly predicted
(quasi-separation, e.g. a period in which every remaining node adopts): R stops at a
finite, large coefficient that depends on exactly these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special, stats

_EPS = np.finfo(np.float64).eps
_THRESH = 30.0  # R's logit link: |eta| beyond 30 is clamped (family.c)
_PROBIT_THRESH = -float(stats.norm.ppf(_EPS))


@dataclass(frozen=True)
class GlmFit:
    """Coefficients, their covariance and the fit's deviances."""

    beta: np.ndarray
    cov: np.ndarray
    deviance: float
    null_deviance: float
    iterations: int
    converged: bool
    boundary: bool


def _linkinv(eta: np.ndarray, link: str) -> np.ndarray:
    if link == "logit":
        tmp = np.exp(np.clip(eta, -_THRESH, _THRESH))
        tmp = np.where(eta < -_THRESH, _EPS, np.where(eta > _THRESH, 1 / _EPS, tmp))
        return tmp / (1 + tmp)
    return special.ndtr(np.clip(eta, -_PROBIT_THRESH, _PROBIT_THRESH))


def _mu_eta(eta: np.ndarray, link: str) -> np.ndarray:
    if link == "logit":
        e = np.exp(np.clip(eta, -_THRESH, _THRESH))
        out = e / (1 + e) ** 2
        return np.where((eta > _THRESH) | (eta < -_THRESH), _EPS, out)
    return np.maximum(stats.norm.pdf(eta), _EPS)


def _linkfun(mu: np.ndarray, link: str) -> np.ndarray:
    return special.logit(mu) if link == "logit" else special.ndtri(mu)


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float(-2 * np.sum(np.where(y > 0, np.log(mu), np.log1p(-mu))))


def fit_binomial(x: np.ndarray, y: np.ndarray, *,
                 link: Literal["logit", "probit"] = "logit", epsilon: float = 1e-8,
                 maxit: int = 25) -> GlmFit:
    """Fit ``y ~ x`` (0/1 outcome, ``x`` with its intercept column) as R's ``glm.fit``.

    Examples
    --------
    R's ``glm(y ~ x, family = binomial)`` on these data: 5 iterations, slope 1.214028
    (standard error 0.9125848).

    >>> x = np.column_stack([np.ones(6), [0.0, 1, 2, 3, 4, 5]])
    >>> fit = fit_binomial(x, np.array([0.0, 0, 1, 0, 1, 1]))
    >>> fit.converged, fit.iterations
    (True, 5)
    >>> round(float(fit.beta[1]), 6), round(float(np.sqrt(fit.cov[1, 1])), 7)
    (1.214028, 0.9125848)
    """
    if link not in ("logit", "probit"):
        raise ValueError("link must be 'logit' or 'probit'")
    mu = (y + 0.5) / 2.0
    eta = _linkfun(mu, link)
    mu = _linkinv(eta, link)
    devold = _deviance(y, mu)
    beta = np.zeros(x.shape[1])
    cov = np.full((x.shape[1],) * 2, np.nan)
    converged = boundary = False
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007 (the count is reported)
        d = _mu_eta(eta, link)
        var = mu * (1 - mu)
        good = d != 0
        z = eta[good] + (y[good] - mu[good]) / d[good]
        w = np.sqrt(d[good] ** 2 / var[good])
        xw = x[good] * w[:, None]
        q, r = np.linalg.qr(xw)
        start = np.linalg.solve(r, q.T @ (z * w))
        rinv = np.linalg.inv(r)
        cov = rinv @ rinv.T
        eta = x @ start
        mu = _linkinv(eta, link)
        dev = _deviance(y, mu)
        half = 0
        while not np.isfinite(dev) and half < 100:  # R's step halving
            boundary = True
            start = (start + beta) / 2
            eta = x @ start
            mu = _linkinv(eta, link)
            dev = _deviance(y, mu)
            half += 1
        beta = start
        if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        devold = dev
    ybar = float(np.mean(y))
    null = _deviance(y, np.full_like(y, ybar))
    return GlmFit(beta=beta, cov=cov, deviance=dev, null_deviance=null, iterations=it,
                  converged=converged, boundary=boundary)
