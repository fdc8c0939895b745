"""pyHanko's synchronous calls still work where an event loop is already running (a Playwright session in
the same test process, an async server)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from egov.signing.loops import outside_event_loop


async def _answer() -> int:
    return 42


def _synchronous_library_call() -> int:
    return asyncio.run(_answer())  # what pyHanko's sync API does inside


def test_a_call_that_runs_its_own_loop_works_inside_a_running_loop():
    async def inside() -> int:
        return outside_event_loop(_synchronous_library_call)

    # A thread of its own, so that the test does not depend on whether this test process already has a
    # running loop (the Playwright tests in the same worker leave one on the main thread).
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == 42


def test_without_a_running_loop_the_call_runs_in_place():
    assert outside_event_loop(_synchronous_library_call) == 42
