"""The QIODevice an audio device pulls PCM from (QAudioSink pull mode)."""

import logging

from PySide6.QtCore import QIODevice, QObject

from .audio import PcmRing

log = logging.getLogger(__name__)


class AudioFeed(QIODevice):
    """Reads a PcmRing for the audio device; runs on the device's thread.

    Reading never blocks: while the ring (re)buffers it yields silence, so
    the device keeps pulling and the clock simply waits.
    """

    def __init__(self, ring: PcmRing, parent: QObject | None = None):
        super().__init__(parent)
        self.ring = ring
        self.bytes_read = 0

    def start(self) -> None:
        """Open for reading, unbuffered: a read-ahead would run the clock early."""
        self.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)

    def isSequential(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def bytesAvailable(self) -> int:  # noqa: N802 (Qt's name)
        return (1 << 20) + super().bytesAvailable()

    def readData(self, maxlen: int) -> bytes:  # noqa: N802 (Qt's name)
        data = self.ring.read(maxlen)
        self.bytes_read += len(data)
        return data

    def writeData(self, data) -> int:  # noqa: N802 (Qt's name)
        return -1
