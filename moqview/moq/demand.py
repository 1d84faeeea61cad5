"""Demand: whether anyone subscribes to a published track, as it changes."""

from PySide6.QtCore import QObject, Signal, Slot

from ._libmoq import lib
from .registration import Registration

_CALLS = {
    "track": "moq_publish_track_demand",
    "media": "moq_publish_media_demand",
    "encoded_video": "moq_encode_video_demand",
    "encoded_audio": "moq_encode_audio_demand",
}


class Demand(Registration):
    """Owns moq_publish_track_demand, moq_publish_media_demand or the encoders'.

    ``kind`` is "track" (a raw track), "media" (a media track), "encoded_video"
    or "encoded_audio"; ``handle`` is that producer's id.

    Signals (on the object's thread):
        changed(used): at once with the current state, then on every change.
        closed(code, reason): once, when the track ends or after close().
    """

    changed = Signal(bool)
    _close_call = lib.moq_publish_demand_cancel

    def __init__(self, kind: str, handle: int, parent: QObject | None = None):
        super().__init__(parent)
        self.used = False
        self._register(_CALLS[kind], handle)

    def _deliver(self, state: int) -> None:
        self._result.emit(state == lib.MOQ_DEMAND_USED)

    @Slot(object)
    def _publish(self, used: bool) -> None:
        self.used = used
        self.changed.emit(used)
