"""AV1 end to end: ffmpeg's SVT-AV1 encoder, the upstream publisher's fMP4
import, the real relay, and the window decoding with dav1d."""

from conftest_viewer import bar_colours, clock_change, shows_the_bars

from moqview.local import Media, Publisher


def test_an_av1_broadcast_shows_the_bars_and_a_moving_clock(qtbot, window, relay):
    media = Media(width=640, height=360, audio=False, video_codec="av1")
    with Publisher(relay.url, "bars-av1", media):
        window.connect_to(relay.url, "bars-av1")
        qtbot.waitUntil(lambda: window.view.shown >= 10, timeout=30_000)

        assert window.player.video_rendition.codec.startswith("av01.")
        first = window.view.current_image()
        assert (first.width(), first.height()) == (640, 360)
        assert shows_the_bars(first), bar_colours(first)

        shown = window.view.shown
        qtbot.wait(1000)
        second = window.view.current_image()
        assert window.view.shown >= shown + 20  # a second at 30 frames a second
        assert clock_change(first, second) > 2.0
        assert window.player.video.counters.errors == 0
