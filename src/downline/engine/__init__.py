"""Where heavy work runs: in-process by default, on a Dask cluster when asked.

The areas split their Monte Carlo and sampling work into independent chunks, each a pure
function of some large shared arrays (a graph's CSR) and a small task (a chunk's size and
its random stream). A :class:`Backend` maps such a function over the tasks:

* :class:`LocalBackend` runs the chunks in this process, one after the other (the
  cascade kernels use every core themselves), or on ``threads`` threads (for kernels
  that release the GIL, as the RR-set samplers do);
* :class:`DaskBackend` ships the shared arrays to every worker once (``scatter`` with
  ``broadcast=True``) and runs each chunk as a task there; Dask retries a chunk whose
  worker dies, and a chunk that cannot be computed fails the run with its error.

Results come back in task order whatever the backend, so with the same chunking and the
same seed the answer does not depend on where it ran. Read-only memory-mapped arrays in
the shared data (a graph from :func:`downline.graph.open_csr`) reach Dask workers as file
names, and each worker maps the files itself. Only this package knows Dask.

Words: ``workers`` are Dask worker processes; ``threads`` are threads of one process
running compiled kernels.
"""

from downline.engine.backends import (
    KERNEL_THREADS_ENV,
    SCHEDULER_ENV,
    Backend,
    DaskBackend,
    LocalBackend,
    default_threads,
    get_backend,
)

__all__ = [
    "KERNEL_THREADS_ENV",
    "SCHEDULER_ENV",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "default_threads",
    "get_backend",
]
