"""The local demo stack: processes that come back and leave nothing behind."""

import os
import signal
import time

from moqview.local import DemoStack


def test_the_demo_publisher_is_restarted_when_it_dies():
    with DemoStack() as stack:
        first = stack.publisher._moq.pid

        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not (stack.publisher.running() and stack.publisher._moq.pid != first):
            assert time.monotonic() < deadline, "the publisher did not come back"
            time.sleep(0.1)

        assert stack.publisher.running()


def test_stopping_the_demo_leaves_no_process():
    stack = DemoStack().start()
    children = [stack.relay._process, stack.publisher._moq, stack.publisher._ffmpeg]

    stack.__exit__(None, None, None)

    assert [child.poll() is not None for child in children] == [True, True, True]
