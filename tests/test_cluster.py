"""A broadcast published on one relay of a cluster plays from another."""

from helpers import open_catalog

from moqview import moq
from moqview.local import Publisher, Relay

TIMEOUT_MS = 20_000


def test_broadcast_published_on_the_root_plays_from_a_leaf(qtbot):
    with Relay() as root, Relay(cluster_connect=root.url) as leaf:
        with Publisher(root.url, "clustered"):
            broadcast, catalog = open_catalog(qtbot, leaf.url, "clustered")
            frames = []
            moq.VideoTrack(catalog, 0, sink=frames.append)

            qtbot.waitUntil(lambda: len(frames) >= 30, timeout=TIMEOUT_MS)

            assert frames[0].keyframe
            moq.close_all()
            broadcast.close()
