"""The two execution backends and how to choose one (see the package docstring)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from downline.common.progress import Progress
from downline.errors import DownlineError, ParameterError

__all__ = [
    "KERNEL_THREADS_ENV",
    "SCHEDULER_ENV",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "get_backend",
]

SCHEDULER_ENV = "DOWNLINE_SCHEDULER"
KERNEL_THREADS_ENV = "DOWNLINE_KERNEL_THREADS"


class EngineError(DownlineError):
    """A chunk failed on the cluster (after Dask's retries) or the cluster is unreachable."""


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


class LocalBackend:
    """Runs every chunk in this process, in order.

    Examples
    --------
    >>> LocalBackend().map(lambda shared, t: shared["k"] * t, {"k": 2}, [1, 2, 3])
    [2, 4, 6]
    """

    name = "local"

    def map(
        self,
        fn: Callable[[Mapping[str, Any], Any], Any],
        shared: Mapping[str, Any],
        tasks: Sequence[Any],
        *,
        progress: Progress | None = None,
    ) -> list[Any]:
        out = []
        for i, task in enumerate(tasks):
            out.append(fn(shared, task))
            if progress is not None:
                progress(i + 1, len(tasks))
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
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return fn(shared, task)


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
        kernel_threads: int | None = None,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is a dependency
            raise EngineError("the Dask backend needs `distributed` installed") from exc
        if workers < 1:
            raise ParameterError("workers must be at least 1", field="workers")
        self.retries = retries
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

    def _shared_future(self, shared: Mapping[str, Any]) -> Any:
        """The shared mapping on every worker, shipped once (``broadcast``).

        The mapping is kept with its future so that its identity cannot be reused by
        another object while the cache entry lives; it is wrapped in a list because
        scattering a dict would use its keys as the data keys.
        """
        cached = self._shared
        if cached is not None and cached[0] is shared:
            return cached[1]
        future = self.client.scatter([dict(shared)], broadcast=True, hash=False)[0]
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
