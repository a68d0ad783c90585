"""Shared services every area uses: one home per concept.

- :mod:`downline.common.tables`: the one text-table reader.
- :mod:`downline.common.limits`: stated, configurable resource bounds.
- :mod:`downline.common.rng`: one seed to independent random streams.
- :mod:`downline.common._rng_kernels`: the one SplitMix64 generator of every numba kernel.
- :mod:`downline.common.progress`: the one ``Progress`` callback type.
- :mod:`downline.common.serialize`: the one JSON-safe converter of results.

Nothing here imports an area (only :mod:`downline.errors`); areas, engine, store and faces
import from here. Import the module you need (``from downline.common.rng import
as_generator``); this package re-exports nothing, so that importing one service does not
load the others.
"""
