"""A broadcast written byte for byte, for feeding viewers media they must survive.

The upstream publisher and libmoq's media API only produce well-formed
broadcasts. HostileBroadcast declares its video rendition in the catalog
itself (moq_publish_video_config), so the codec and picture size can be
anything, and writes the video track as raw frames in the ``legacy`` container
(a QUIC varint timestamp followed by the payload), so the payload can be
random bytes or a truncated frame.
"""

import json
import logging

from moqview.moq import Origin, PublishedBroadcast, errors
from moqview.moq._libmoq import ffi, lib

log = logging.getLogger(__name__)


def varint(value: int) -> bytes:
    """``value`` as a QUIC variable-length integer (RFC 9000, section 16)."""
    for length, prefix in ((1, 0x00), (2, 0x40), (4, 0x80), (8, 0xC0)):
        if value < 1 << (8 * length - 2):
            encoded = bytearray(value.to_bytes(length, "big"))
            encoded[0] |= prefix
            return bytes(encoded)
    raise ValueError(f"{value} does not fit a QUIC varint")


class HostileBroadcast:
    """A libmoq-published broadcast with one video rendition of any description.

    Announced on ``origin`` at once; connect a Session with ``publish=origin`` to
    put it on a relay. ``declare`` (re)writes the rendition in the catalog,
    ``section`` adds an application section (another catalog update), and
    ``write`` appends a frame: a keyframe starts a new group, as a live
    encoder's would, and other frames join the open group.
    """

    def __init__(self, origin: Origin, path: str, track: str = "video"):
        self.path = path
        self.track_name = track
        self.broadcast = PublishedBroadcast(origin, path)
        self._video = self.broadcast.track(track)
        self._group = 0
        self.catalogs = 0
        self.frames = 0
        self.broadcast.announce()

    def declare(
        self, codec: str, width: int, height: int, description: bytes = b""
    ) -> None:
        """Publish a catalog whose video rendition says exactly this."""
        name, text = self.track_name.encode(), codec.encode()
        config = ffi.new("moq_video_config *")
        keep = [ffi.new("char[]", name), ffi.new("char[]", text)]
        config.name, config.name_len = keep[0], len(name)
        config.codec, config.codec_len = keep[1], len(text)
        if description:
            keep.append(ffi.from_buffer(description))
            config.description = keep[-1]
            config.description_len = len(description)
        config.coded_width, config.coded_height = width, height
        errors.check(
            "moq_publish_video_config",
            lib.moq_publish_video_config(self.broadcast.id, config),
        )
        self.catalogs += 1

    def section(self, name: str, value) -> None:
        """Publish a catalog update that sets the application section ``name``."""
        key, text = name.encode(), json.dumps(value).encode()
        errors.check(
            "moq_publish_catalog_section",
            lib.moq_publish_catalog_section(
                self.broadcast.id, key, len(key), text, len(text)
            ),
        )
        self.catalogs += 1

    def write(self, payload: bytes, timestamp_us: int, keyframe: bool) -> None:
        """Write one frame of the video track in the legacy container."""
        if keyframe or not self._group:
            self._finish_group()
            self._group = errors.check(
                "moq_publish_track_group", lib.moq_publish_track_group(self._video.id)
            )
        data = varint(timestamp_us) + payload
        errors.check(
            "moq_publish_group_frame",
            lib.moq_publish_group_frame(self._group, data, len(data), timestamp_us),
        )
        self.frames += 1

    def _finish_group(self) -> None:
        if self._group:
            lib.moq_publish_group_finish(self._group)
            self._group = 0

    def close(self) -> None:
        """End the broadcast: its track finishes and it is unannounced."""
        self._finish_group()
        self._video.finish()
        self.broadcast.close()
        log.debug("hostile broadcast %r closed after %d frames", self.path, self.frames)
