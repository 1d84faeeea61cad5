"""The local demo stack: processes that come back and leave nothing behind."""

import os
import signal
import time
import urllib.request

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


def answers(url: str) -> bytes | None:
    """The relay's certificate fingerprint at ``url``, or None while it is down."""
    try:
        with urllib.request.urlopen(f"{url}/certificate.sha256", timeout=1) as answer:
            return answer.read().strip()
    except OSError:
        return None


def test_the_demo_relay_is_restarted_on_its_port_when_it_dies():
    with DemoStack() as stack:
        first = stack.relay._process.pid
        url = stack.url

        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while not (
            stack.relay.running()
            and stack.relay._process.pid != first
            and answers(url) is not None
        ):
            assert time.monotonic() < deadline, "the relay did not come back"
            time.sleep(0.1)

        assert stack.url == url
        assert len(answers(url)) == 64  # a SHA-256 in hex, on the same port
        while not stack.publisher.running():
            assert time.monotonic() < deadline, "the publisher did not come back"
            time.sleep(0.1)
