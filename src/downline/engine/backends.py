"""The two execution backends and how to choose one (see the package docstring)."""

from __future__ import annotations

import functools
import mmap
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from downline.common.progress import Progress
from downline.errors import EngineError, ParameterError

__all__ = [
    "KERNEL_THREADS_ENV",
    "SCHEDULER_ENV",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "default_threads",
    "get_backend",
]

SCHEDULER_ENV = "DOWNLINE_SCHEDULER"
KERNEL_THREADS_ENV = "DOWNLINE_KERNEL_THREADS"


@runtime_checkable
class Backend(Protocol):
    """Runs ``fn(shared, task)`` for every task and returns the results in task order."""

    name: str

    def map(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
        *,
        progress: Progress | None = None,
    ) -> list[Any]:
        """Apply ``fn`` to each task with the shared data; results in task order."""
        ...

    def imap(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
    ) -> Iterator[Any]:
        """Like :meth:`map`, but yield each result in task order as soon as it is here."""
        ...

    def keep(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
    ) -> list[Any]:
        """Like :meth:`map`, but the results stay where they were computed: handles."""
        ...

    def apply(self, fn: Callable[..., Any], handles: Sequence[Any], *args: Any) -> list[Any]:
        """``fn(value, *args)`` for the value behind each handle, results gathered here."""
        ...

    def merge(self, fn: Callable[..., Any], handles: Sequence[Any]) -> Any:
        """One handle for ``fn(*values)``, computed where the values are."""
        ...

    def close(self) -> None:
        """Release the backend's resources."""
        ...


def default_threads(threads: int | None = None) -> int:
    """Threads of this process for chunk work: ``threads``, else the number of CPUs.

    Examples
    --------
    >>> default_threads(3)
    3
    >>> default_threads() >= 1
    True
    """
    if threads is None:
        return max(1, os.cpu_count() or 1)
    if isinstance(threads, bool) or not isinstance(threads, int | np.integer) or threads < 1:
        raise ParameterError(f"threads must be a positive integer, not {threads!r}",
                             field="threads")
    return int(threads)


class LocalBackend:
    """Runs every chunk in this process: one after the other, or on ``threads`` threads.

    Parameters
    ----------
    threads : int, optional
        Chunks run at once on a thread pool; default 1 (in order, on the calling thread).
        Only for chunk functions whose compiled kernels release the GIL (``nogil``) and
        are not themselves parallel (``prange``): the RR-set samplers, say. The cascade
        kernels parallelize inside each chunk and run with the default. The results do
        not depend on it.

    Examples
    --------
    >>> LocalBackend().map(lambda shared, t: shared["k"] * t, {"k": 2}, [1, 2, 3])
    [2, 4, 6]
    >>> LocalBackend(threads=2).map(lambda shared, t: shared["k"] * t, {"k": 2}, [1, 2, 3])
    [2, 4, 6]
    """

    name = "local"

    def __init__(self, threads: int = 1) -> None:
        self.threads = default_threads(threads)

    def imap(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
    ) -> Iterator[Any]:
        if self.threads == 1 or len(tasks) <= 1:
            for task in tasks:
                yield fn(shared, task)
            return
        with ThreadPoolExecutor(max_workers=min(self.threads, len(tasks))) as pool:
            yield from pool.map(lambda task: fn(shared, task), tasks)

    def map(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
        *,
        progress: Progress | None = None,
    ) -> list[Any]:
        out = []
        for result in self.imap(fn, shared, tasks):
            out.append(result)
            if progress is not None:
                progress(len(out), len(tasks))
        return out

    def keep(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
    ) -> list[Any]:
        return self.map(fn, shared, tasks)

    def apply(self, fn: Callable[..., Any], handles: Sequence[Any], *args: Any) -> list[Any]:
        return [fn(h, *args) for h in handles]

    def merge(self, fn: Callable[..., Any], handles: Sequence[Any]) -> Any:
        return fn(*handles)

    def close(self) -> None:
        return None

    def __enter__(self) -> LocalBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class _MappedFile:
    """A read-only memory-mapped ``.npy`` array, shipped as its file's name.

    Workers on the same file system map the file themselves (once per process) instead
    of receiving the array: a graph opened with :func:`downline.graph.open_csr` crosses
    the network as a few hundred bytes.
    """

    path: str
    offset: int
    dtype: str
    shape: tuple[int, ...]
    order: str

    @classmethod
    def of(cls, value: Any) -> _MappedFile | None:
        """The reference for a file-backed, read-only memmap; None for anything else."""
        if not isinstance(value, np.memmap) or getattr(value, "filename", None) is None:
            return None
        # Only a whole mapping (its base is the mmap itself): a view's offset is stale.
        if value.flags.writeable or not isinstance(value.base, mmap.mmap) or value.ndim != 1:
            return None
        return cls(str(value.filename), int(value.offset), value.dtype.str, value.shape,
                   "F" if value.flags.f_contiguous and not value.flags.c_contiguous else "C")

    def open(self) -> np.ndarray:
        return _open_mapped(self)


@functools.lru_cache(maxsize=32)
def _open_mapped(ref: _MappedFile) -> np.ndarray:
    return np.memmap(ref.path, dtype=np.dtype(ref.dtype), mode="r", offset=ref.offset,
                     shape=ref.shape, order=ref.order)  # type: ignore[arg-type]


def _by_reference(shared: Mapping[str, Any]) -> dict[str, Any]:
    """``shared`` with its memory-mapped arrays replaced by their file references."""
    return {key: _MappedFile.of(value) or value for key, value in shared.items()}


def _resolved(shared: Mapping[str, Any]) -> Mapping[str, Any]:
    if not any(isinstance(v, _MappedFile) for v in shared.values()):
        return shared
    return {key: v.open() if isinstance(v, _MappedFile) else v for key, v in shared.items()}


def _env_kernel_threads() -> int | None:
    raw = os.environ.get(KERNEL_THREADS_ENV)
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ParameterError(f"{KERNEL_THREADS_ENV} must be a positive integer, not {raw!r}",
                             field=KERNEL_THREADS_ENV)
    return value


def _call_with_shared(
    fn: Callable[[Mapping[str, Any], Any], Any], shared: Any, task: Any, threads: int | None
) -> Any:
    if threads:
        # numba's thread count belongs to the calling thread: set it in the task itself
        # lazy: numba costs 0.5 s; the engine runs plain Python without it
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return fn(_resolved(shared), task)


class DaskBackend:
    """Runs chunks as Dask tasks on a local or remote cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of an existing scheduler (``tcp://host:8786``). When omitted, a
        ``LocalCluster`` with ``workers`` single-threaded worker processes is started
        and closed with the backend.
    workers : int, default 2
        Worker processes of the local cluster.
    retries : int, default 2
        How many times Dask recomputes a chunk whose worker died.
    map_files : bool, default True
        Ship read-only memory-mapped arrays in the shared data (a graph from
        :func:`downline.graph.open_csr`) as their file names: each worker maps the files
        itself. Needs the workers to see the same files at the same paths (one machine,
        or a shared file system); set False to ship the arrays' contents instead.
    kernel_threads : int, optional
        Threads each chunk's compiled kernel uses on its worker. Default: 1 on a local
        cluster (its worker processes already share this machine's cores); on a remote
        cluster ``$DOWNLINE_KERNEL_THREADS`` if set, else the worker's own numba setting
        (all its machine's cores unless ``NUMBA_NUM_THREADS`` is set there). Set it to
        cores per machine divided by worker processes per machine to avoid
        oversubscription (``dask worker --nworkers 4`` on 16 cores: 4). It is capped by
        what each worker's numba allows.

    Examples
    --------
    >>> with DaskBackend(workers=1) as b:                       # doctest: +SKIP
    ...     b.map(lambda shared, t: shared["k"] * t, {"k": 2}, [1, 2])
    [2, 4]
    """

    name = "dask"

    def __init__(
        self, scheduler: str | None = None, *, workers: int = 2, retries: int = 2,
        kernel_threads: int | None = None, map_files: bool = True,
    ) -> None:
        try:
            # lazy: Dask costs 1 s; only a cluster needs it
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is a dependency
            raise EngineError("the Dask backend needs `distributed` installed") from exc
        if workers < 1:
            raise ParameterError("workers must be at least 1", field="workers")
        self.retries = retries
        self.map_files = bool(map_files)
        if kernel_threads is None:
            # Local workers share this machine's cores: one compiled-kernel thread each.
            # Workers of a remote cluster keep their own setting unless told otherwise.
            kernel_threads = _env_kernel_threads() if scheduler else 1
        elif int(kernel_threads) < 1:
            raise ParameterError("kernel_threads must be at least 1", field="kernel_threads")
        self.kernel_threads: int | None = None if kernel_threads is None else int(kernel_threads)
        self._cluster = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="10s")
            else:
                # lazy: Dask costs 1 s; only a cluster needs it
                import dask

                # One compiled-kernel thread per worker process (kernel_threads): the
                # workers are the parallelism; oversubscribed cores only slow both down.
                # The active memory manager would drop the broadcast copies of the graph
                # between runs (and ship them again); a local cluster keeps them.
                with dask.config.set({"distributed.scheduler.active-memory-manager.start":
                                      False}):
                    self._cluster = LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=":0", host="127.0.0.1",
                    )
                self.client = Client(self._cluster)
        except OSError as exc:
            raise EngineError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        self.address = self.client.scheduler.address
        self._shared: tuple[Mapping[str, Any], Any] | None = None

    def n_workers(self) -> int:
        """Number of workers the scheduler knows now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def map(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
        *,
        progress: Progress | None = None,
    ) -> list[Any]:
        # lazy: Dask costs 1 s; only a cluster needs it
        from distributed import as_completed

        futures = self.keep(fn, shared, tasks)
        position = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        done = 0
        try:
            # with_results: finished chunks are fetched in batches, not one round trip each
            for f, result in as_completed(futures, with_results=True, raise_errors=False):
                if f.status == "error":
                    exc = f.exception()
                    raise EngineError(
                        f"chunk {position[f.key]} of {len(futures)} failed on the cluster: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                results[position[f.key]] = result
                done += 1
                if progress is not None:
                    progress(done, len(futures))
        except BaseException:
            self.client.cancel(futures)
            raise
        return results

    def imap(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
    ) -> Iterator[Any]:
        futures = self.keep(fn, shared, tasks)
        try:
            for i, f in enumerate(futures):
                try:
                    result = f.result()
                except Exception as exc:
                    raise EngineError(
                        f"chunk {i} of {len(futures)} failed on the cluster: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                futures[i] = None
                yield result
        except BaseException:
            self.client.cancel([f for f in futures if f is not None])
            raise

    def _shared_future(self, shared: Mapping[str, Any]) -> Any:
        """The shared mapping on every worker, shipped once (``broadcast``).

        The mapping is kept with its future so that its identity cannot be reused by
        another object while the cache entry lives; it is wrapped in a list because
        scattering a dict would use its keys as the data keys.
        """
        cached = self._shared
        if cached is not None and cached[0] is shared:
            return cached[1]
        data = _by_reference(shared) if self.map_files else dict(shared)
        future = self.client.scatter([data], broadcast=True, hash=False)[0]
        self._shared = (shared, future)
        return future

    def keep(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
    ) -> list[Any]:
        future = self._shared_future(shared)
        return [self.client.submit(_call_with_shared, fn, future, task, self.kernel_threads,
                                   retries=self.retries, pure=False) for task in tasks]

    def apply(self, fn: Callable[..., Any], handles: Sequence[Any], *args: Any) -> list[Any]:
        futures = [self.client.submit(fn, h, *args, retries=self.retries, pure=False)
                   for h in handles]
        try:
            return self.client.gather(futures)
        except Exception as exc:
            raise EngineError(f"a task failed on the cluster: {type(exc).__name__}: "
                              f"{exc}") from exc

    def merge(self, fn: Callable[..., Any], handles: Sequence[Any]) -> Any:
        return self.client.submit(fn, *handles, retries=self.retries, pure=False)

    def close(self) -> None:
        self._shared = None
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def get_backend(
    backend: Backend | str | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Backend:
    """Choose where chunks run.

    Parameters
    ----------
    backend : Backend, "local" or "dask", optional
        An existing backend is returned as is.
    workers : int, optional
        Start a local Dask cluster with this many workers.
    scheduler : str, optional
        Connect to this Dask scheduler; default ``$DOWNLINE_SCHEDULER`` when ``backend``
        is ``"dask"`` or ``workers`` is not given and the variable is set.

    Examples
    --------
    >>> get_backend().name
    'local'
    """
    if isinstance(backend, LocalBackend | DaskBackend):
        return backend
    if backend not in (None, "local", "dask"):
        raise ParameterError(f"unknown backend {backend!r}; use 'local' or 'dask'",
                             field="backend")
    address = scheduler or (os.environ.get(SCHEDULER_ENV) if workers is None else None)
    if backend == "local" or (backend is None and workers is None and not address):
        return LocalBackend()
    return DaskBackend(address, workers=workers or 2)
