"""Where heavy work runs: in-process by default, on a Dask cluster when asked.

The areas split their Monte Carlo and sampling work into independent chunks, each a pure
function of some large shared arrays (a graph's CSR) and a small task (a chunk's size and
its random stream). A :class:`Backend` maps such a function over the tasks:

* :class:`LocalBackend` runs the chunks in this process, one after the other (the
  compiled kernels use both cores themselves);
* :class:`DaskBackend` ships the shared arrays to every worker once (``scatter`` with
  ``broadcast=True``) and runs each chunk as a task there; Dask retries a chunk whose
  worker dies, and a chunk that cannot be computed fails the run with its error.

Results come back in task order whatever the backend, so with the same chunking and the
same seed the answer does not depend on where it ran. Only this package knows Dask.
"""

from downline.engine.backends import (
    KERNEL_THREADS_ENV,
    SCHEDULER_ENV,
    Backend,
    DaskBackend,
    LocalBackend,
    get_backend,
)
from downline.engine.outofcore import edgelist_to_csr, open_csr

__all__ = [
    "KERNEL_THREADS_ENV",
    "SCHEDULER_ENV",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "edgelist_to_csr",
    "get_backend",
    "open_csr",
]
