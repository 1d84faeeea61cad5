"""Catalog: the renditions a broadcast offers, as immutable snapshots."""

import json
import logging
import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from . import errors
from ._libmoq import ffi, lib
from .broadcast import Broadcast
from .registration import Registration

log = logging.getLogger(__name__)

CONTAINERS = {
    lib.MOQ_CONTAINER_KIND_LEGACY: "legacy",
    lib.MOQ_CONTAINER_KIND_CMAF: "cmaf",
    lib.MOQ_CONTAINER_KIND_LOC: "loc",
    lib.MOQ_CONTAINER_KIND_UNKNOWN: "unknown",
}


def _text(pointer, length: int) -> str:
    return ffi.unpack(pointer, length).decode("utf-8", "replace") if length else ""


def _bytes(pointer, length: int) -> bytes:
    return bytes(ffi.buffer(pointer, length)) if length else b""


@dataclass(frozen=True)
class VideoRendition:
    """One video track of the catalog. ``description`` is e.g. the avcC record."""

    index: int
    name: str
    codec: str
    description: bytes
    coded_width: int
    coded_height: int
    container: str
    label: str
    stalled: bool


@dataclass(frozen=True)
class AudioRendition:
    """One audio track of the catalog."""

    index: int
    name: str
    codec: str
    description: bytes
    sample_rate: int
    channels: int
    container: str
    label: str


@dataclass(frozen=True)
class VideoProperties:
    """Display properties shared by every video rendition; None where unset."""

    display_width: int | None = None
    display_height: int | None = None
    rotation: float = 0.0
    flip: bool = False


@dataclass(frozen=True)
class CatalogSnapshot:
    """Everything one catalog update said, copied out of libmoq."""

    video: tuple[VideoRendition, ...] = ()
    audio: tuple[AudioRendition, ...] = ()
    properties: VideoProperties = field(default_factory=VideoProperties)
    sections: dict[str, object] = field(default_factory=dict)


def read_snapshot(catalog: int) -> CatalogSnapshot:
    """Copy a catalog snapshot's contents into Python values."""
    video = []
    config = ffi.new("moq_video_config *")
    stalled = ffi.new("bool *")
    while lib.moq_consume_video_config(catalog, len(video), config) >= 0:
        lib.moq_consume_video_stalled(catalog, len(video), stalled)
        video.append(
            VideoRendition(
                index=len(video),
                name=_text(config.name, config.name_len),
                codec=_text(config.codec, config.codec_len),
                description=_bytes(config.description, config.description_len),
                coded_width=config.coded_width,
                coded_height=config.coded_height,
                container=CONTAINERS.get(config.container.kind, "unknown"),
                label=_text(config.label, config.label_len),
                stalled=bool(stalled[0]),
            )
        )

    audio = []
    config = ffi.new("moq_audio_config *")
    while lib.moq_consume_audio_config(catalog, len(audio), config) >= 0:
        audio.append(
            AudioRendition(
                index=len(audio),
                name=_text(config.name, config.name_len),
                codec=_text(config.codec, config.codec_len),
                description=_bytes(config.description, config.description_len),
                sample_rate=config.sample_rate,
                channels=config.channel_count,
                container=CONTAINERS.get(config.container.kind, "unknown"),
                label=_text(config.label, config.label_len),
            )
        )

    properties = VideoProperties()
    shared = ffi.new("moq_video_properties *")
    if lib.moq_consume_video_properties(catalog, shared) >= 0:
        properties = VideoProperties(
            display_width=shared.display_width if shared.has_display else None,
            display_height=shared.display_height if shared.has_display else None,
            rotation=shared.rotation if shared.has_rotation else 0.0,
            flip=bool(shared.flip) if shared.has_flip else False,
        )

    sections = {}
    section = ffi.new("moq_section *")
    for index in range(max(0, lib.moq_consume_catalog_section_count(catalog))):
        if lib.moq_consume_catalog_section_at(catalog, index, section) >= 0:
            name = _text(section.name, section.name_len)
            try:
                sections[name] = json.loads(_text(section.json, section.json_len))
            except ValueError:
                log.warning("catalog section %r is not JSON; ignored", name)

    return CatalogSnapshot(tuple(video), tuple(audio), properties, sections)


class Catalog(Registration):
    """Owns moq_consume_catalog for one broadcast.

    Signals (on the object's thread):
        updated(CatalogSnapshot): for every catalog update.
        closed(code, reason): once.

    libmoq opens tracks from a catalog snapshot id, so the newest snapshot id is
    kept (under a lock, since libmoq's thread replaces it) until a newer one
    arrives or the catalog ends; older ones are freed at once.
    """

    updated = Signal(object)
    _close_call = lib.moq_consume_catalog_cancel

    def __init__(self, broadcast: Broadcast, parent: QObject | None = None):
        super().__init__(parent)
        self.broadcast = broadcast
        self.snapshot: CatalogSnapshot | None = None
        self._current = 0
        self._current_lock = threading.Lock()
        self._register("moq_consume_catalog", broadcast.id)

    def _deliver(self, snapshot_id: int) -> None:
        snapshot = read_snapshot(snapshot_id)
        with self._current_lock:
            previous, self._current = self._current, snapshot_id
        if previous:
            lib.moq_consume_catalog_free(previous)
        self._result.emit(snapshot)

    @Slot(object)
    def _publish(self, snapshot: CatalogSnapshot) -> None:
        self.snapshot = snapshot
        self.updated.emit(snapshot)

    def _terminated(self, code: int) -> None:
        with self._current_lock:
            if self._current:
                lib.moq_consume_catalog_free(self._current)
            self._current = 0

    def with_snapshot(self, use):
        """Run ``use(snapshot_id)`` while the newest snapshot id cannot be freed."""
        with self._current_lock:
            if not self._current:
                raise errors.MoqError(
                    "moq_consume_catalog", lib.MOQ_ERROR_NOT_FOUND, "no catalog yet"
                )
            return use(self._current)
