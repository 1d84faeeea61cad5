"""What the window says when a connection fails, from libmoq's real reasons."""

import http.server
import threading
import time

import pytest

from moqview import moq
from moqview.ui.connection import FIRST_DIAL_S, summarize


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:9", "connection refused (is the relay running?)"),
        ("https://no-such-host.invalid:443", "unknown host"),
    ],
)
def test_an_unreachable_relay_is_summarized_in_words(qtbot, url, words):
    config = moq.ClientConfig(backoff_initial=5.0, backoff_timeout=2.0)
    session = moq.Session(url, consume=moq.Origin(), config=config)

    with qtbot.waitSignal(session.closed, timeout=20_000) as closed:
        pass

    assert summarize(closed.args[1]) == words


def test_an_untrusted_certificate_is_summarized_in_words(qtbot, relay):
    port = relay.url.rsplit(":", 1)[1]
    # One dial, failing in the handshake, then a backoff longer than the budget,
    # so the reason is that dial's and not a timeout's.
    config = moq.ClientConfig(backoff_initial=5.0, backoff_timeout=2.0)
    session = moq.Session(
        f"https://127.0.0.1:{port}", consume=moq.Origin(), config=config
    )

    with qtbot.waitSignal(session.closed, timeout=20_000) as closed:
        pass

    assert summarize(closed.args[1]) == "the relay's certificate is not trusted"


def test_a_refusal_by_the_relay_is_summarized_as_refused_access(qtbot):
    server = moq.Server()
    server.requested.connect(lambda request: request.reject(401))
    config = moq.ClientConfig(tls_fingerprints=tuple(server.fingerprints()))
    session = moq.Session(
        f"https://{server.address()}", consume=moq.Origin(), config=config
    )

    with qtbot.waitSignal(session.closed, timeout=20_000) as closed:
        pass

    assert summarize(closed.args[1]) == "the relay refused access (unauthorized)"
    server.close()


def test_an_unknown_cause_is_passed_through_whole():
    assert summarize("something new went wrong") == "something new went wrong"


def test_a_first_dial_to_a_stopped_relay_fails_sooner_than_libmoqs_retry_budget(
    qtbot, window
):
    started = time.monotonic()
    window.connect_to("http://127.0.0.1:9")

    qtbot.waitUntil(lambda: window.connection.state == "failed", timeout=15_000)
    took = time.monotonic() - started

    # libmoq alone retries for 10 s; the window's first dial gives up at 4 s.
    assert FIRST_DIAL_S <= took < 8.0
    assert "connection refused" in window.connection.text


def test_a_plain_web_server_is_called_not_a_relay(qtbot):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = moq.ClientConfig(backoff_initial=5.0, backoff_timeout=2.0)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        session = moq.Session(url, consume=moq.Origin(), config=config)

        with qtbot.waitSignal(session.closed, timeout=20_000) as closed:
            pass
    finally:
        server.shutdown()
        server.server_close()

    assert summarize(closed.args[1]) == (
        "the server there is not a MoQ relay (it serves no certificate fingerprint)"
    )
