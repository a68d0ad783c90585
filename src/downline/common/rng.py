"""One seed to independent random streams, for every random procedure of `downline`.

Every public function that draws random numbers takes ``seed``: an int, a
``numpy.random.Generator`` or None (fresh entropy); a ``numpy.random.SeedSequence`` is
accepted too. :func:`root_seed` turns any of them into one non-negative integer, the seed
a result reports (so that passing it back reproduces the result); :func:`stream_seeds`
derives independent 64-bit keys from it, one per chunk of work, for the SplitMix64
kernels (:mod:`downline.common._rng_kernels`); :func:`as_generator` gives a NumPy
generator for code that draws in Python.

Streams are ``SeedSequence(root, spawn_key=(*key, i))``, the children
``SeedSequence(root).spawn`` would give, so the first ``n`` keys do not depend on how
many are asked for and a chunk's key depends only on the root and its index.
"""

from __future__ import annotations

import secrets

import numpy as np

from downline.errors import ParameterError

__all__ = ["Seed", "as_generator", "fresh_seed", "root_seed", "stream_seeds"]

Seed = int | np.integer | np.random.Generator | np.random.SeedSequence | None
"""What a ``seed`` parameter accepts."""


def root_seed(seed: Seed) -> int:
    """The non-negative integer a random procedure starts from.

    Parameters
    ----------
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        An int is used as it is; a Generator gives one draw (so it advances); a
        SeedSequence gives its entropy; None gives fresh entropy from the system.

    Returns
    -------
    int
        The root seed; passing it as ``seed`` again gives the same streams.

    Raises
    ------
    downline.errors.ParameterError
        For a negative number, a bool or anything else.

    Examples
    --------
    >>> root_seed(7)
    7
    >>> import numpy as np
    >>> root_seed(np.random.default_rng(0)) == root_seed(np.random.default_rng(0))
    True
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.entropy)  # type: ignore[arg-type]
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(
            f"seed must be a non-negative integer or a numpy Generator, not {seed!r}",
            field="seed")
    return int(seed)


def fresh_seed(bits: int = 32) -> int:
    """A new random seed of ``bits`` bits, short enough to print and type back.

    Examples
    --------
    >>> 0 <= fresh_seed() < 2**32
    True
    """
    return secrets.randbits(bits)


def stream_seeds(seed: Seed, n: int, *, key: tuple[int, ...] = (), start: int = 0,
                 bits: int = 64) -> np.ndarray:
    """``n`` independent stream keys derived from ``seed``.

    Parameters
    ----------
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        See :func:`root_seed`. Pass the root (an int) when several calls must share it.
    n : int
        How many keys.
    key : tuple of int, optional
        A prefix that names a family of streams (``(s,)`` for the ``s``-th family), so
        that different parts of one procedure never share a stream.
    start : int, optional
        Index of the first key, to take keys ``start, ..., start + n - 1``.
    bits : {64, 32}
        Width of each key: 64 for the SplitMix64 kernels, 32 where a key is shown to a
        person or passed on as a seed. A 32-bit key is the low half of the 64-bit one.

    Returns
    -------
    numpy.ndarray
        ``uint64`` (or ``uint32``) array of shape ``(n,)``; key ``i`` comes from
        ``SeedSequence(root, spawn_key=(*key, start + i))``.

    Examples
    --------
    >>> a = stream_seeds(7, 3)
    >>> a.dtype, a.shape
    (dtype('uint64'), (3,))
    >>> bool((stream_seeds(7, 2) == a[:2]).all())
    True
    >>> int(stream_seeds(7, 1, bits=32)[0]) == int(a[0]) & 0xFFFFFFFF
    True
    >>> int(stream_seeds(7, 1, start=2)[0]) == int(a[2])
    True
    """
    if bits not in (32, 64):
        raise ParameterError(f"bits must be 32 or 64, not {bits!r}", field="bits")
    root = root_seed(seed)
    dtype = np.uint64 if bits == 64 else np.uint32
    out = np.empty(int(n), dtype=dtype)
    for i in range(out.shape[0]):
        seq = np.random.SeedSequence(root, spawn_key=(*key, start + i))
        out[i] = seq.generate_state(1, dtype=dtype)[0]
    return out


def as_generator(seed: Seed) -> np.random.Generator:
    """A NumPy generator for ``seed``: the Generator itself, else one seeded from it.

    ``as_generator(s)`` draws the same numbers as ``numpy.random.default_rng(s)`` for an
    int ``s``, and rejects what :func:`root_seed` rejects.

    Examples
    --------
    >>> import numpy as np
    >>> float(as_generator(3).random()) == float(np.random.default_rng(3).random())
    True
    >>> g = np.random.default_rng(1)
    >>> as_generator(g) is g
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    return np.random.default_rng(root_seed(seed))
