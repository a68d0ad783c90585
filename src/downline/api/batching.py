"""Micro-batching of screenings that use the pitch model.

The statistical layer costs a few milliseconds per call whatever the number of posts
(feature extraction and calibration have a fixed overhead), so screening eight posts in
one :func:`downline.pitch.screen_many` call costs about twice one post, not eight times.
Requests that arrive while a batch is being screened wait in a queue and go together in
the next batch: an idle server answers a lone request at once, a busy one screens many
posts per model call. Results are the same as :func:`downline.pitch.screen` one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from typing import Any

from fastapi.concurrency import run_in_threadpool

from downline.pitch import Screening, screen_many

__all__ = ["ScreenBatcher"]


class ScreenBatcher:
    """Queue model screenings and run them in batches of at most ``max_batch`` posts.

    Examples
    --------
    >>> async def demo():
    ...     batcher = ScreenBatcher()
    ...     results = await asyncio.gather(*(batcher.screen(t) for t in
    ...                                      ["Cures anxiety!", "Nice day"]))
    ...     await batcher.close()
    ...     return [r.violation for r in results]
    >>> asyncio.run(demo())
    [True, False]
    """

    def __init__(self, max_batch: int = 64) -> None:
        self.max_batch = max_batch
        self._queue: asyncio.Queue[tuple[str, str, asyncio.Future[Screening]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _ensure_worker(self) -> asyncio.Queue[Any]:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._loop is not loop or self._task is None \
                or self._task.done():
            self._loop = loop
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._work(self._queue))
        return self._queue

    async def screen(self, text: str, brand: str = "[Brand]") -> Screening:
        """Screen one post with the rules and the model, batched with its neighbours."""
        queue = self._ensure_worker()
        future: asyncio.Future[Screening] = asyncio.get_running_loop().create_future()
        await queue.put((text, brand, future))
        return await future

    async def _work(self, queue: asyncio.Queue[Any]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(queue.get_nowait())
                except asyncio.QueueEmpty:
                    break
            groups: dict[str, list[tuple[str, asyncio.Future[Screening]]]] = defaultdict(list)
            for text, brand, future in batch:
                groups[brand].append((text, future))
            for brand, items in groups.items():
                texts = [text for text, _ in items]
                try:
                    result = await run_in_threadpool(screen_many, texts, model=True,
                                                     brand=brand)
                except Exception as exc:  # handed to every waiting request
                    for _, future in items:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), screening in zip(items, result.screenings, strict=True):
                    if not future.done():
                        future.set_result(screening)

    async def close(self) -> None:
        """Stop the worker (a later :meth:`screen` starts a new one)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self._task
        self._task = None
        self._queue = None
