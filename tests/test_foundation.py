"""The foundation: libmoq from Python against the real relay and publisher."""

import subprocess
import sys
import time

import pytest
from helpers import open_catalog
from moqview.moq._libmoq import ffi, lib

from moqview import moq

TIMEOUT_MS = 15_000


def connect(qtbot, url, origin=None, config=None):
    origin = origin or moq.Origin()
    session = moq.Session(url, consume=origin, config=config)
    return session, origin


def test_session_connects_with_epoch_one(qtbot, relay):
    origin = moq.Origin()
    session = moq.Session(relay.url, consume=origin)

    with qtbot.waitSignal(session.connected, timeout=TIMEOUT_MS) as connected:
        pass

    assert connected.args == [1]


def test_published_broadcast_is_announced(qtbot, demo):
    origin = moq.Origin()
    seen = []
    announcements = moq.Announcements(origin)
    announcements.announced.connect(seen.append)
    moq.Session(demo.url, consume=origin)

    qtbot.waitUntil(lambda: moq.Announcement("demo", True) in seen, timeout=TIMEOUT_MS)


def test_catalog_lists_the_h264_rendition(qtbot, demo):
    origin = moq.Origin()
    moq.Session(demo.url, consume=origin)
    wait = moq.BroadcastWait(origin, "demo")
    with qtbot.waitSignal(wait.available, timeout=TIMEOUT_MS) as available:
        pass
    broadcast = available.args[0]
    catalog = moq.Catalog(broadcast)
    snapshots = []
    catalog.updated.connect(snapshots.append)

    # The publisher adds its tracks one by one as ffmpeg's output reveals them.
    qtbot.waitUntil(
        lambda: bool(snapshots and snapshots[-1].video and snapshots[-1].audio),
        timeout=TIMEOUT_MS,
    )

    video = snapshots[-1].video
    assert len(video) == 1
    assert video[0].codec.startswith("avc1.")
    assert (video[0].coded_width, video[0].coded_height) == (1280, 720)
    assert video[0].description[:1] == b"\x01"  # an avcC record, version 1
    audio = snapshots[-1].audio
    assert [(a.codec[:4], a.sample_rate, a.channels) for a in audio] == [
        ("mp4a", 48000, 2)
    ]
    broadcast.close()


def test_sixty_frames_arrive_in_order_starting_with_a_keyframe(qtbot, demo):
    broadcast, catalog = open_catalog(qtbot, demo.url, "demo")
    frames = []
    track = moq.VideoTrack(catalog, 0)
    track.frame.connect(frames.append)

    qtbot.waitUntil(lambda: len(frames) >= 60, timeout=TIMEOUT_MS)

    assert frames[0].keyframe
    stamps = [frame.timestamp_us for frame in frames]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(len(frame.payload) > 0 for frame in frames)
    broadcast.close()


def test_closing_each_registration_gives_exactly_one_terminal(qtbot, demo):
    origin = moq.Origin()
    session = moq.Session(demo.url, consume=origin)
    announcements = moq.Announcements(origin)
    wait = moq.BroadcastWait(origin, "demo")
    wait_ended = []
    wait.closed.connect(lambda code, reason: wait_ended.append(code))
    with qtbot.waitSignal(wait.available, timeout=TIMEOUT_MS) as available:
        pass
    catalog = moq.Catalog(available.args[0])
    qtbot.waitSignal(catalog.updated, timeout=TIMEOUT_MS).wait()
    video = moq.VideoTrack(catalog, 0)
    audio = moq.AudioTrack(catalog, 0)
    registrations = [video, audio, catalog, announcements, session]
    terminals = {id(r): [] for r in registrations}
    for registration in registrations:
        codes = terminals[id(registration)]
        registration.closed.connect(
            lambda code, reason, codes=codes: codes.append(code)
        )

    for registration in registrations:
        registration.close()
    qtbot.waitUntil(lambda: not moq.live(), timeout=TIMEOUT_MS)
    qtbot.wait(200)

    # Closing a session and its tracks at once may end a track with the session's
    # "dropped" rather than its own clean 0; what matters is exactly one each.
    assert [len(terminals[id(r)]) for r in registrations] == [1] * len(registrations)
    assert all(code <= 0 for r in registrations for code in terminals[id(r)])
    assert wait_ended == [0]  # a wait ends by itself once it has delivered
    available.args[0].close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "url"),
        ("https://", "url"),
    ],
)
def test_malformed_url_raises_a_readable_error(qtbot, url, expected):
    with pytest.raises(moq.MoqError) as raised:
        moq.Session(url, consume=moq.Origin())

    assert raised.value.name == expected
    assert raised.value.message
    assert moq.live() == []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("relay.example:443", "needs a scheme"),
        ("ftp://relay.example", "ftp:// is not supported"),
        ("https://", "has no host"),
        ("https://relay.example:99999", "out of range"),
        ("  ", "no relay URL given"),
    ],
)
def test_check_url_names_the_problem(url, problem):
    with pytest.raises(ValueError, match=problem):
        assert moq.check_url(url) is None


def test_check_url_accepts_the_schemes_libmoq_dials():
    for url in ("https://relay.example/anon", "http://127.0.0.1:4443"):
        assert moq.check_url(url) is None


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9", "https://127.0.0.1:9", "https://no-such-host.invalid:443"],
)
def test_unreachable_relay_ends_with_a_reason_in_bounded_time(qtbot, url):
    config = moq.ClientConfig(
        connect_timeout=2.0, backoff_initial=0.2, backoff_max=0.5, backoff_timeout=3.0
    )
    session = moq.Session(url, consume=moq.Origin(), config=config)
    connected = []
    session.connected.connect(connected.append)
    started = time.monotonic()

    with qtbot.waitSignal(session.closed, timeout=20_000) as closed:
        pass

    code, reason = closed.args
    assert code < 0
    assert reason and reason != "closed"
    assert connected == []
    assert time.monotonic() - started < 20


def test_errors_carry_code_name_and_libmoq_text():
    with pytest.raises(moq.MoqError) as raised:
        moq.Session("::", consume=None)

    error = raised.value
    assert error.code == lib.MOQ_ERROR_URL
    assert error.name == "url"
    assert error.call == "moq_session_connect"
    assert "moq_session_connect failed: url" in str(error)


def test_client_defaults_are_read_back_from_libmoq():
    defaults = moq.ClientConfig.defaults()

    assert defaults.connect_timeout and defaults.connect_timeout > 0
    assert defaults.backoff_initial and defaults.backoff_initial > 0
    assert defaults.backoff_multiplier and defaults.backoff_multiplier >= 1


def test_supported_versions_are_listed():
    versions = moq.supported_versions()

    assert versions and all(isinstance(v, str) and v for v in versions)


def test_extension_exports_no_libmoq_symbols():
    import moqview.moq._libmoq as extension

    exported = subprocess.run(
        ["nm", "-D", "--defined-only", extension.__file__],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert " moq_session_connect" not in exported
    assert "PyInit__libmoq" in exported


def test_every_callback_type_has_a_trampoline():
    assert ffi.typeof("moq_status_callback") == ffi.typeof(
        lib.moqview_moq_status_callback
    )


EMIT_STORM = """
import threading
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

app = QCoreApplication([])

class Source(QObject):
    ping = Signal(int)

source = Source()
received = [0]
source.ping.connect(lambda value: received.__setitem__(0, received[0] + 1),
                    Qt.ConnectionType.QueuedConnection)

def emit():
    for value in range(20_000):
        source.ping.emit(value)

threads = [threading.Thread(target=emit) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
while received[0] < 80_000:
    app.processEvents()
print(received[0])
"""


def test_signals_emitted_from_foreign_threads_at_volume_do_not_abort():
    # PySide6 6.12.0 on CPython 3.11 aborts the interpreter here.
    result = subprocess.run(
        [sys.executable, "-c", EMIT_STORM],
        capture_output=True,
        text=True,
        timeout=240,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "80000"


LOG_TO_STDERR = """
import sys
from PySide6.QtCore import QCoreApplication
from moqview import moq

app = QCoreApplication([])
moq.set_log_level("info")
session = moq.Session(sys.argv[1], consume=moq.Origin())
session.connected.connect(lambda epoch: app.quit())
app.exec()
moq.close_all()
"""


def test_libmoq_log_level_is_settable_and_its_log_is_readable(relay):
    result = subprocess.run(
        [sys.executable, "-c", LOG_TO_STDERR, relay.url],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 0, result.stderr[-2000:]
    connected = [line for line in result.stderr.splitlines() if "connected" in line]
    assert connected and " INFO " in connected[0]
    assert "\x1b[" not in result.stderr  # plain text when stderr is a pipe


def test_connection_stats_describe_the_live_connection(qtbot, demo):
    origin = moq.Origin()
    # QUIC only: over the WebSocket fallback, which can win the race on a busy
    # machine, libmoq measures no round-trip time.
    config = moq.ClientConfig(websocket_enabled=False)
    session = moq.Session(demo.url, consume=origin, config=config)
    qtbot.waitSignal(session.connected, timeout=TIMEOUT_MS).wait()
    moq.BroadcastWait(origin, "demo")
    qtbot.wait(500)

    stats = session.stats()

    assert stats is not None
    assert stats.protocol.startswith("moq-")
    assert stats.rtt_us is not None and 0 < stats.rtt_us < 1_000_000
    assert stats.bytes_received and stats.bytes_received > 0


def test_connection_stats_are_none_before_the_first_connect(qtbot):
    session = moq.Session("https://no-such-host.invalid:443", consume=moq.Origin())

    assert session.stats() is None
