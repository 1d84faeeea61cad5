"""Broadcast paths a user may meet in the wild are listed and play: spaces,
non-ASCII characters and very long names, published by the upstream publisher."""

import pytest
from PySide6.QtCore import Qt
from reliability import open_window

from moqview.local import Media, Publisher

SMALL = Media(width=320, height=240, audio=False, keyframe_interval=15)
NAMES = [
    "studio a/camera 1",
    "Bühne/Кухня/舞台 ☕",
    "long/" + "a-very-long-broadcast-name-" * 18,  # about 500 characters
]


@pytest.fixture(scope="module")
def published(relay):
    publishers = [Publisher(relay.url, name, SMALL).start() for name in NAMES]
    yield
    for publisher in publishers:
        publisher.__exit__(None, None, None)


@pytest.mark.parametrize("name", NAMES, ids=["spaces", "non-ascii", "long"])
def test_a_hostile_name_is_listed_and_plays_when_clicked(
    qtbot, tmp_path, relay, published, name
):
    window = open_window(qtbot, tmp_path)
    window.connect_to(relay.url, path="no such broadcast")  # so nothing autoplays
    model = window.connection.model
    qtbot.waitUntil(lambda: set(NAMES) <= set(model.paths()), timeout=30_000)

    row = model.paths().index(name)
    index = model.index(row)
    rect = window.broadcasts.visualRect(index)
    window.broadcasts.scrollTo(index)
    qtbot.mouseClick(
        window.broadcasts.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.broadcasts.visualRect(index).center(),
    )
    qtbot.waitUntil(lambda: window.view.shown >= 10, timeout=30_000)

    assert rect.isValid()
    assert index.data() == name
    assert model.is_live(name)
    assert window.player.path == name
    assert window.player.state == "playing"
    assert window.windowTitle().startswith(name)
    window.shutdown()
