"""Analysis jobs: a small in-process queue with progress and cancellation.

A job is a function ``work(progress) -> (payload, subject, params)`` run on a thread pool;
its payload is stored in the workspace as a result and the job records the result id.
``progress(done, total)`` is the callback the areas already take; it also raises
:class:`Cancelled` once the job was asked to stop, so a running simulation ends at its
next chunk. States: ``queued``, ``running``, ``done``, ``failed``, ``cancelled``.

Two limits protect the server: a job that runs longer than ``time_limit`` seconds is
cancelled, and while jobs run a watchdog samples the process's resident memory and
cancels the running jobs once it passes ``memory_limit`` (their ``error`` says which
limit stopped them). Both act at the job's next progress report.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psutil

from downline.common.progress import Progress
from downline.errors import DownlineError

__all__ = [
    "Cancelled",
    "Job",
    "JobManager",
    "Progress",
    "WorkResult",
    "default_memory_limit",
    "resident_bytes",
]

log = logging.getLogger("downline.api.jobs")

WorkResult = tuple[dict[str, Any], str | None, dict[str, Any]]
Work = Callable[[Progress], WorkResult]
Store = Callable[[str, dict[str, Any], str | None, dict[str, Any]], int]


class Cancelled(Exception):
    """Raised inside a job's progress callback once the job was cancelled."""


def resident_bytes() -> int:
    """Resident memory of this process, in bytes."""
    return int(psutil.Process().memory_info().rss)


def default_memory_limit() -> int:
    """1.5 GiB, or half of the machine's memory when that is less."""
    return int(min(1.5 * 2**30, psutil.virtual_memory().total / 2))


@dataclass
class Job:
    """One analysis job and where it stands."""

    id: str
    kind: str
    subject: str | None
    params: dict[str, Any]
    state: str = "queued"
    progress: float = 0.0
    message: str = ""
    result_id: int | None = None
    error: str | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    cancel_requested: bool = False
    cancel_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The job as plain JSON values."""
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "params": self.params,
            "state": self.state,
            "progress": round(self.progress, 4),
            "message": self.message,
            "result_id": self.result_id,
            "error": self.error,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }


class JobManager:
    """Runs jobs on ``workers`` threads and remembers the last ``keep`` of them.

    Parameters
    ----------
    store : callable
        ``store(kind, payload, subject, params) -> result_id``.
    workers : int
        Threads running jobs at once (heavy work inside already uses all cores).
    keep : int
        Finished jobs remembered for listing.
    time_limit : float, optional
        Seconds a job may run before it is cancelled; None for no limit.
    memory_limit : int, optional
        Resident bytes of the process above which running jobs are cancelled; None for
        no limit.

    Examples
    --------
    >>> manager = JobManager(lambda kind, payload, subject, params: 1, workers=1)
    >>> job = manager.submit("demo", lambda progress: ({"answer": 42}, None, {}))
    >>> manager.wait(job.id, timeout=5).state
    'done'
    >>> manager.shutdown()
    """

    def __init__(self, store: Store, workers: int = 2, keep: int = 200,
                 time_limit: float | None = None, memory_limit: int | None = None) -> None:
        self._store = store
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._watchdog: threading.Thread | None = None
        self.peak_bytes = 0
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def submit(
        self, kind: str, work: Work, *, subject: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> Job:
        """Queue ``work`` and return its job at once."""
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, subject=subject, params=params or {})
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._workers,
                                                thread_name_prefix="downline-job")
            self._futures[job.id] = self._pool.submit(self._run, job, work)
        return job

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values()
                    if j.state in ("done", "failed", "cancelled")]
        for job_id in finished[: max(0, len(self._jobs) - self._keep)]:
            self._jobs.pop(job_id, None)
            self._futures.pop(job_id, None)

    def _stop(self, job: Job, reason: str) -> None:
        if not job.cancel_requested:
            job.cancel_reason = reason
            job.cancel_requested = True
            log.warning("job %s (%s) cancelled: %s", job.id, job.kind, reason)

    def _watch_memory(self) -> None:
        # Runs while any job runs; a job allocating past the limit is stopped at its
        # next progress report (the areas report at least once per chunk).
        assert self.memory_limit is not None
        while True:
            with self._lock:
                running = [j for j in self._jobs.values() if j.state == "running"]
                if not running:
                    self._watchdog = None
                    return
            rss = resident_bytes()
            self.peak_bytes = max(self.peak_bytes, rss)
            if rss > self.memory_limit:
                for job in running:
                    self._stop(job, f"the server passed its memory limit of "
                               f"{self.memory_limit / 2**30:.1f} GiB "
                               f"({rss / 2**30:.1f} GiB in use); ask for less (fewer runs, "
                               "a larger eps, a smaller k or a smaller network)")
            time.sleep(0.05)

    def _start_watchdog(self) -> None:
        if self.memory_limit is None:
            return
        with self._lock:
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch_memory, daemon=True,
                                                  name="downline-job-memory")
                self._watchdog.start()

    def _progress_for(self, job: Job) -> Progress:
        def progress(done: float, total: float | None = None, message: str | None = None) -> None:
            if (self.time_limit is not None and job.started_at is not None
                    and time.time() - job.started_at > self.time_limit):
                self._stop(job, f"ran past the time limit of {self.time_limit:g} s; ask "
                           "for less, or start the server with a longer --job-time-limit")
            if job.cancel_requested:
                raise Cancelled
            if total:
                job.progress = min(1.0, max(0.0, float(done) / float(total)))
            else:
                job.progress = min(1.0, max(0.0, float(done)))
            if message:
                job.message = message

        return progress

    def _run(self, job: Job, work: Work) -> None:
        if job.cancel_requested:
            job.state = "cancelled"
            job.message = "cancelled"
            job.finished_at = time.time()
            return
        job.state = "running"
        job.started_at = time.time()
        self._start_watchdog()
        try:
            payload, subject, params = work(self._progress_for(job))
            if job.cancel_requested:
                raise Cancelled
            if (self.time_limit is not None
                    and time.time() - job.started_at > self.time_limit):
                self._stop(job, f"ran past the time limit of {self.time_limit:g} s; ask "
                           "for less, or start the server with a longer --job-time-limit")
                raise Cancelled
            job.message = "saving"
            job.result_id = self._store(job.kind, payload, subject, params)
        except Cancelled:
            job.state = "cancelled"
            job.message = "cancelled"
            job.error = job.cancel_reason
        except DownlineError as exc:
            job.state = "failed"
            job.error = getattr(exc, "message", None) or str(exc)
        except Exception:
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.state = "failed"
            job.error = "internal error while running the job; see the server log"
        else:
            job.state = "done"
            job.progress = 1.0
            job.message = "done"
        finally:
            job.finished_at = time.time()

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        """All remembered jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop: a queued job never starts, a running one stops at its next
        progress report. Finished jobs are left as they are."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.state in ("queued", "running"):
                job.cancel_requested = True
                job.cancel_reason = job.cancel_reason or "cancelled on request"
                future = self._futures.get(job_id)
                if job.state == "queued" and future is not None and future.cancel():
                    job.state = "cancelled"
                    job.message = "cancelled"
                    job.finished_at = time.time()
            return job

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job has finished (for tests and scripts)."""
        future = self._futures.get(job_id)
        if future is not None and not future.cancelled():
            future.result(timeout=timeout)
        job = self.get(job_id)
        assert job is not None
        return job

    def shutdown(self) -> None:
        """Cancel everything and stop the threads (a later submit starts new ones)."""
        for job in self.list():
            self.cancel(job.id)
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
