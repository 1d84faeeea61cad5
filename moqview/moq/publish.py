"""The publishing side: broadcasts, media tracks, raw tracks and JSON tracks.

moqview watches broadcasts; it publishes only for its tests, benchmarks and
``moqview publish``, where exact control of every frame matters. None of these
calls registers a callback, so these are plain objects closed explicitly.
"""

import json
import logging

from . import errors
from ._libmoq import ffi, lib
from .origin import Origin

log = logging.getLogger(__name__)

VIDEO_FORMATS = {
    "avc1": lib.MOQ_VIDEO_FORMAT_AVC1,
    "avc3": lib.MOQ_VIDEO_FORMAT_AVC3,
    "hvc1": lib.MOQ_VIDEO_FORMAT_HVC1,
    "hev1": lib.MOQ_VIDEO_FORMAT_HEV1,
    "av01": lib.MOQ_VIDEO_FORMAT_AV01,
    "vp8": lib.MOQ_VIDEO_FORMAT_VP8,
    "vp9": lib.MOQ_VIDEO_FORMAT_VP9,
}
AUDIO_FORMATS = {
    "aac": lib.MOQ_AUDIO_FORMAT_AAC,
    "opus": lib.MOQ_AUDIO_FORMAT_OPUS,
}


class MediaTrack:
    """A media track of a published broadcast (moq_publish_video/audio)."""

    def __init__(self, handle: int):
        self.id = handle

    def write(self, payload: bytes, timestamp_us: int) -> None:
        """Publish one encoded frame, in decode order (moq_publish_media_frame)."""
        errors.check(
            "moq_publish_media_frame",
            lib.moq_publish_media_frame(self.id, payload, len(payload), timestamp_us),
        )

    def finish(self) -> None:
        if self.id:
            lib.moq_publish_media_finish(self.id)
            self.id = 0


class Track:
    """A raw track of a published broadcast (moq_publish_track)."""

    def __init__(self, handle: int):
        self.id = handle

    def write(self, payload: bytes, timestamp_us: int) -> None:
        """Publish ``payload`` as a group of one frame (moq_publish_track_frame)."""
        errors.check(
            "moq_publish_track_frame",
            lib.moq_publish_track_frame(self.id, payload, len(payload), timestamp_us),
        )

    def write_group(self, payloads: list[bytes], timestamp_us: int) -> None:
        """Publish one group holding ``payloads`` as consecutive frames."""
        group = errors.check(
            "moq_publish_track_group", lib.moq_publish_track_group(self.id)
        )
        try:
            for payload in payloads:
                errors.check(
                    "moq_publish_group_frame",
                    lib.moq_publish_group_frame(
                        group, payload, len(payload), timestamp_us
                    ),
                )
        finally:
            lib.moq_publish_group_finish(group)

    def datagram(self, payload: bytes, timestamp_us: int) -> int:
        """Send a best-effort datagram; returns its sequence number."""
        sequence = ffi.new("uint64_t *")
        errors.check(
            "moq_publish_track_datagram",
            lib.moq_publish_track_datagram(
                self.id, payload, len(payload), timestamp_us, sequence
            ),
        )
        return sequence[0]

    def finish(self) -> None:
        if self.id:
            lib.moq_publish_track_finish(self.id)
            self.id = 0


class JsonSnapshot:
    """A JSON snapshot track (moq_publish_json_snapshot): the latest value wins."""

    def __init__(self, handle: int):
        self.id = handle

    def update(self, value) -> None:
        text = json.dumps(value).encode()
        errors.check(
            "moq_publish_json_snapshot_update",
            lib.moq_publish_json_snapshot_update(self.id, text, len(text)),
        )

    def finish(self) -> None:
        if self.id:
            lib.moq_publish_json_snapshot_finish(self.id)
            self.id = 0


class RawVideo:
    """Pictures that libmoq encodes and publishes (moq_encode_video)."""

    def __init__(self, handle: int, width: int, height: int):
        self.id = handle
        self.width = width
        self.height = height

    def write(self, i420: bytes, timestamp_us: int) -> None:
        """Encode one I420 picture: Y, then U, then V, no row padding."""
        frame = ffi.new("moq_video_encoder_frame *")
        frame.timestamp_us = timestamp_us
        data = ffi.from_buffer(i420)
        frame.data = data
        frame.data_size = len(i420)
        code = lib.moq_encode_video_frame(self.id, frame)
        errors.check("moq_encode_video_frame", code)

    def finish(self) -> None:
        if self.id:
            lib.moq_encode_video_finish(self.id)
            self.id = 0


class RawAudio:
    """Interleaved float PCM that libmoq encodes to Opus and publishes."""

    def __init__(self, handle: int):
        self.id = handle

    def write(self, pcm: bytes, timestamp_us: int) -> None:
        frame = ffi.new("moq_audio_frame *")
        frame.timestamp_us = timestamp_us
        data = ffi.from_buffer(pcm)
        frame.data = data
        frame.data_size = len(pcm)
        errors.check(
            "moq_encode_audio_frame", lib.moq_encode_audio_frame(self.id, frame)
        )

    def finish(self) -> None:
        if self.id:
            lib.moq_encode_audio_finish(self.id)
            self.id = 0


class PublishedBroadcast:
    """A broadcast created on an origin (moq_origin_create_broadcast).

    Add tracks, then announce(); close() ends it for good (moq_publish_close).
    """

    def __init__(self, origin: Origin, path: str):
        self.path = path
        encoded = path.encode()
        self.id = errors.check(
            "moq_origin_create_broadcast",
            lib.moq_origin_create_broadcast(origin.id, encoded, len(encoded)),
        )

    def video(self, codec: str, init: bytes = b"", width: int = 0, height: int = 0):
        """Add a video track of ``codec`` (a key of VIDEO_FORMATS)."""
        config = ffi.new("moq_video_init *")
        config.format = VIDEO_FORMATS[codec]
        buffer = ffi.from_buffer(init) if init else ffi.NULL
        config.init = buffer
        config.init_len = len(init)
        if width and height:
            config.hint.coded_width = width
            config.hint.coded_height = height
            config.hint.has_coded = True
        handle = lib.moq_publish_video(self.id, config)
        return MediaTrack(errors.check("moq_publish_video", handle))

    def audio(self, codec: str, init: bytes):
        """Add an audio track of ``codec`` with its codec setup bytes."""
        config = ffi.new("moq_audio_init *")
        config.format = AUDIO_FORMATS[codec]
        buffer = ffi.from_buffer(init)
        config.init = buffer
        config.init_len = len(init)
        handle = lib.moq_publish_audio(self.id, config)
        return MediaTrack(errors.check("moq_publish_audio", handle))

    def raw_video(
        self,
        width: int,
        height: int,
        framerate: int = 30,
        bitrate: int = 2_000_000,
        gop: int = 30,
    ) -> RawVideo:
        """Add an H.264 track that libmoq encodes from I420 pictures."""
        source = ffi.new(
            "moq_video_encoder_input *",
            {
                "format": lib.MOQ_VIDEO_PIXEL_FORMAT_I420,
                "width": width,
                "height": height,
                "framerate": framerate,
            },
        )
        output = ffi.new(
            "moq_video_encoder_output *",
            {
                "codec": lib.MOQ_VIDEO_CODEC_H264,
                "bitrate": bitrate,
                "gop": gop,
                "kind": lib.MOQ_VIDEO_ENCODER_KIND_SOFTWARE,
            },
        )
        handle = lib.moq_encode_video(self.id, source, output, 0)
        return RawVideo(errors.check("moq_encode_video", handle), width, height)

    def raw_audio(
        self, name: str, sample_rate: int = 48000, channels: int = 2
    ) -> RawAudio:
        """Add an Opus track that libmoq encodes from interleaved float PCM."""
        source = ffi.new(
            "moq_audio_encoder_input *",
            {
                "format": lib.MOQ_AUDIO_SAMPLE_FORMAT_F32,
                "sample_rate": sample_rate,
                "channels": channels,
            },
        )
        codec = ffi.new("char[]", b"opus")
        output = ffi.new("moq_audio_encoder_output *")
        output.codec = codec
        output.codec_len = 4
        encoded = name.encode()
        handle = lib.moq_encode_audio(self.id, encoded, len(encoded), source, output, 0)
        return RawAudio(errors.check("moq_encode_audio", handle))

    def track(self, name: str) -> Track:
        """Add a raw track named ``name`` with libmoq's default properties."""
        encoded = name.encode()
        handle = lib.moq_publish_track(self.id, encoded, len(encoded), ffi.NULL)
        return Track(errors.check("moq_publish_track", handle))

    def json_snapshot(self, name: str, compression: bool = False) -> JsonSnapshot:
        encoded = name.encode()
        config = ffi.new("moq_json_snapshot_config *", {"compression": compression})
        handle = lib.moq_publish_json_snapshot(self.id, encoded, len(encoded), config)
        return JsonSnapshot(errors.check("moq_publish_json_snapshot", handle))

    def announce(self) -> None:
        errors.check(
            "moq_publish_announce", lib.moq_publish_announce(self.id, ffi.NULL)
        )

    def unannounce(self) -> None:
        errors.check("moq_publish_unannounce", lib.moq_publish_unannounce(self.id))

    def close(self) -> None:
        if self.id:
            lib.moq_publish_close(self.id)
            self.id = 0
