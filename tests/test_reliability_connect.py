"""Relays that cannot be used end in a terminal state with the reason, in bounded
time: unreachable, never answering, the wrong certificate, and refused access."""

import time

import pytest
from reliability import open_window

from moqview import moq
from moqview.local import AuthServer, BlackHole, Relay
from moqview.local.relay import free_port

# Short retries, so that a retry loop would show up as repeated refusals.
QUICK = moq.ClientConfig(
    connect_timeout=2.0, backoff_initial=0.1, backoff_max=0.3, backoff_timeout=3.0
)


def end_of(qtbot, session, timeout_ms=20_000):
    """Wait for the session's terminal; return (code, reason, seconds, epochs)."""
    epochs = []
    session.connected.connect(epochs.append)
    started = time.monotonic()
    with qtbot.waitSignal(session.closed, timeout=timeout_ms) as closed:
        pass
    code, reason = closed.args
    return code, reason, time.monotonic() - started, epochs


@pytest.fixture(scope="module")
def guarded():
    """A relay that asks the reference auth server about every session."""
    with AuthServer() as auth, Relay(public=None, auth_url=auth.url) as relay:
        yield auth, relay


def refusals(relay: Relay) -> int:
    output = relay.output()
    return output.count("refused the session") + output.count("does not allow")


def test_a_port_that_drops_every_packet_ends_with_a_timeout(qtbot):
    with BlackHole() as hole:
        session = moq.Session(hole.url(), consume=moq.Origin(), config=QUICK)
        code, reason, seconds, epochs = end_of(qtbot, session)

        assert hole.received > 0  # the handshake was sent and never answered
    assert (code, epochs) == (lib_error("connect"), [])
    assert "timed out" in reason
    assert seconds < 10


def test_the_wrong_certificate_fingerprint_is_refused(qtbot, relay):
    https = relay.url.replace("http://", "https://")
    # One dial, refused in the handshake, then a backoff longer than the
    # budget: the reason is that dial's, never a later dial's timeout on a
    # busy machine.
    config = moq.ClientConfig(
        tls_fingerprints=("00" * 32,),
        connect_timeout=5.0,
        backoff_initial=5.0,
        backoff_timeout=2.0,
    )
    session = moq.Session(https, consume=moq.Origin(), config=config)

    code, reason, seconds, epochs = end_of(qtbot, session)

    assert code < 0 and epochs == []
    assert "fingerprint mismatch" in reason
    assert seconds < 15


def test_the_right_fingerprint_on_the_same_url_connects(qtbot, relay):
    https = relay.url.replace("http://", "https://")
    config = moq.ClientConfig(tls_fingerprints=(relay.fingerprint,))
    session = moq.Session(https, consume=moq.Origin(), config=config)

    with qtbot.waitSignal(session.connected, timeout=15_000) as connected:
        pass

    assert connected.args == [1]


@pytest.mark.parametrize(
    "credential, relay_says",
    [
        # No token: the auth server refuses and the relay answers 401.
        (None, "refused the session"),
        # A token for this path that only lets its holder publish: the relay
        # admits it, finds no subscribe grant for a viewer and answers 403.
        ("publish-only", "does not allow subscriber access"),
    ],
)
def test_refused_access_ends_once_without_retrying(
    qtbot, guarded, credential, relay_says
):
    auth, relay = guarded
    url = f"{relay.url}/private"
    if credential:
        url += "?jwt=" + auth.sign("private", publish=("",))
    before = refusals(relay)
    session = moq.Session(url, consume=moq.Origin(), config=QUICK)

    code, reason, seconds, _ = end_of(qtbot, session)
    qtbot.wait(1500)  # room for retries, were there any

    assert code < 0
    assert "unauthorized" in reason or "forbidden" in reason
    assert seconds < 3  # well inside the backoff a retry loop would use
    assert refusals(relay) - before == 1
    assert relay_says in relay.output()


def test_a_token_for_the_path_is_admitted(qtbot, guarded):
    auth, relay = guarded
    token = auth.sign("private", subscribe=("",))
    session = moq.Session(
        f"{relay.url}/private?jwt={token}", consume=moq.Origin(), config=QUICK
    )

    with qtbot.waitSignal(session.connected, timeout=15_000) as connected:
        pass
    qtbot.wait(500)

    assert connected.args == [1]
    assert session in moq.live()  # still up, not refused after the handshake


def lib_error(name: str) -> int:
    return {v: k for k, v in moq.errors.ERROR_NAMES.items()}[name]


# -- the window --------------------------------------------------------------


def test_the_window_fails_with_the_reason_when_nothing_listens(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    started = time.monotonic()
    window.connect_to(f"http://127.0.0.1:{free_port()}")

    qtbot.waitUntil(lambda: window.connection.state == "failed", timeout=30_000)

    assert time.monotonic() - started < 30
    assert window.view.message().startswith("Connection failed.")
    assert "cannot reach" in window.view.message()
    assert "connect" in window._connection_label.text()
    window.shutdown()


def test_the_window_fails_with_the_reason_when_the_relay_never_answers(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    with BlackHole() as hole:
        window.connect_to(hole.url())

        qtbot.waitUntil(lambda: window.connection.state == "failed", timeout=30_000)

    assert "cannot reach" in window.view.message()
    assert "no answer from the relay" in window.view.message()
    window.shutdown()


@pytest.mark.parametrize("credential", [None, "publish-only"])
def test_the_window_says_access_was_refused_and_does_not_retry(
    qtbot, tmp_path, guarded, credential
):
    from moqview.ui.connection import RETRY_MS

    auth, relay = guarded
    url = f"{relay.url}/private"
    if credential:
        url += "?jwt=" + auth.sign("private", publish=("",))
    before = refusals(relay)
    window = open_window(qtbot, tmp_path)
    states = []
    window.connect_to(url)
    window.connection.stateChanged.connect(lambda state, text: states.append(state))

    qtbot.waitUntil(lambda: window.connection.state == "failed", timeout=15_000)
    qtbot.wait(RETRY_MS + 1000)  # a retry would have dialled by now

    assert "refused access" in window.view.message()
    assert "unauthorized" in window.view.message()
    assert (
        states[-1] == "failed" and "connecting" not in states[states.index("failed") :]
    )
    assert window.connection.session is None
    assert refusals(relay) - before == 1
    window.shutdown()
