"""Wrappers of the serving side: demand, on-demand requests and the server."""

import time

import pytest
from helpers import Ticker, lookup_broadcast

from moqview import moq
from moqview.moq.publish import Track

TIMEOUT_MS = 15_000


@pytest.fixture
def ticker():
    with moq.Origin() as origin:
        running = Ticker(origin)
        yield origin, running
        running.stop()


def test_demand_follows_subscribers_coming_and_going(qtbot, ticker):
    origin, running = ticker
    demand = moq.Demand("track", running.track.id)
    states = []
    demand.changed.connect(states.append)
    qtbot.waitUntil(lambda: states == [False], timeout=TIMEOUT_MS)

    broadcast = lookup_broadcast(qtbot, origin, "ticker")
    subscriber = moq.RawTrack(broadcast, "ticks")
    qtbot.waitUntil(lambda: states[-1:] == [True], timeout=TIMEOUT_MS)
    subscriber.close()
    qtbot.waitUntil(lambda: states[-1:] == [False], timeout=TIMEOUT_MS)

    assert states == [False, True, False]
    demand.close()
    qtbot.waitSignal(demand.closed, timeout=TIMEOUT_MS).wait()
    broadcast.close()


def test_a_track_nobody_published_is_served_on_request(qtbot, ticker):
    origin, running = ticker
    requests = moq.TrackRequests(running.broadcast.id)
    served = []

    def serve(request):
        track = Track(request.accept())
        track.write(request.name.encode(), 1)
        served.append(track)

    requests.requested.connect(serve)
    broadcast = lookup_broadcast(qtbot, origin, "ticker")
    frames = []
    moq.RawTrack(broadcast, "made-on-demand").frame.connect(frames.append)

    qtbot.waitUntil(lambda: bool(frames), timeout=TIMEOUT_MS)

    assert frames[0].payload == b"made-on-demand"
    requests.close()
    broadcast.close()


@pytest.fixture
def server(qtbot):
    running = moq.Server()
    yield running
    running.close()


def dial(server, **config):
    url = f"https://{server.address()}"
    config = moq.ClientConfig(tls_fingerprints=tuple(server.fingerprints()), **config)
    return moq.Session(url, consume=moq.Origin(), config=config)


def test_a_server_session_connects_once_accepted(qtbot, server):
    accepted = []
    server.requested.connect(lambda request: accepted.append(request.accept()))
    client = dial(server)

    with qtbot.waitSignal(client.connected, timeout=TIMEOUT_MS) as connected:
        pass

    assert connected.args == [1]
    qtbot.waitUntil(lambda: bool(accepted), timeout=TIMEOUT_MS)
    assert isinstance(accepted[0], moq.ServerSession)


# libmoq sends both 401 and 403 as the protocol's unauthorized close.
@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_session_ends_without_retrying(qtbot, server, status):
    requests = []

    def refuse(request):
        requests.append(request.path)
        request.reject(status)

    server.requested.connect(refuse)
    client = dial(server, backoff_initial=0.1, backoff_max=0.2, backoff_timeout=30)
    started = time.monotonic()

    with qtbot.waitSignal(client.closed, timeout=TIMEOUT_MS) as closed:
        pass

    code, reason = closed.args
    assert code < 0
    assert "unauthorized" in reason
    assert time.monotonic() - started < 10
    qtbot.wait(500)
    assert len(requests) == 1


def test_a_server_error_is_retried_until_the_backoff_gives_up(qtbot, server):
    requests = []

    def fail(request):
        requests.append(request.path)
        request.reject(500)

    server.requested.connect(fail)
    client = dial(server, backoff_initial=0.1, backoff_max=0.2, backoff_timeout=2)

    with qtbot.waitSignal(client.closed, timeout=TIMEOUT_MS) as closed:
        pass

    code, reason = closed.args
    assert code == moq.errors.ERROR_CODES["connect"]
    assert "500" in reason
    assert len(requests) > 1


def test_pictures_encoded_by_libmoq_decode_back_to_their_size_and_shade(qtbot):
    width, height = 320, 240
    grey = bytes([150]) * (width * height) + bytes([128]) * (width * height // 2)
    with moq.Origin() as origin:
        broadcast = moq.PublishedBroadcast(origin, "raw")
        video = broadcast.raw_video(width, height, framerate=30, gop=10)
        broadcast.announce()
        consumer = lookup_broadcast(qtbot, origin, "raw")
        catalog = moq.Catalog(consumer)
        snapshots = []
        catalog.updated.connect(snapshots.append)
        for frame in range(3):
            video.write(grey, frame * 33_333)
        qtbot.waitUntil(lambda: bool(snapshots and snapshots[-1].video), timeout=5000)
        pictures = []
        moq.DecodedVideo(catalog, 0, sink=pictures.append)

        for frame in range(3, 60):
            video.write(grey, frame * 33_333)
            qtbot.wait(5)
            if pictures:
                break
        qtbot.waitUntil(lambda: bool(pictures), timeout=TIMEOUT_MS)

        picture = pictures[0]
        assert (picture.width, picture.height) == (width, height)
        luma = picture.data[: width * height]
        assert abs(sum(luma) / len(luma) - 150) < 4
        video.finish()
        broadcast.close()
        consumer.close()
