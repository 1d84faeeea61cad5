"""What a catalog's codec string means for PyAV, and H.264/H.265 bitstream shapes.

H.264 and H.265 arrive in two shapes: ``avc1``/``hvc1`` with the parameter
sets in the catalog description (avcC/hvcC) and length-prefixed NAL units in
each payload, or ``avc3``/``hev1`` with Annex-B start codes and the parameter
sets inline. Both are decoded; when the shapes are mixed, the payload is
rewritten to Annex-B on the decoder thread.
"""

import logging
from dataclasses import dataclass

import av

log = logging.getLogger(__name__)

START_CODE = b"\x00\x00\x00\x01"


class UnsupportedCodec(Exception):
    """The codec string names something this build of PyAV cannot decode."""


@dataclass(frozen=True)
class CodecInfo:
    """A catalog codec resolved to a PyAV decoder."""

    family: str  # h264, hevc, vp8, vp9, av1, aac, opus
    decoder: str  # the PyAV/FFmpeg decoder name
    label: str  # what the stats overlay shows


_FAMILIES = {
    "avc1": "h264",
    "avc3": "h264",
    "h264": "h264",
    "hvc1": "hevc",
    "hev1": "hevc",
    "h265": "hevc",
    "hevc": "hevc",
    "vp8": "vp8",
    "vp09": "vp9",
    "vp9": "vp9",
    "av01": "av1",
    "av1": "av1",
    "mp4a": "aac",
    "aac": "aac",
    "opus": "opus",
}

# Decoders to try per family, preferred first. FFmpeg's native "av1" decoder
# needs a hardware accelerator, so dav1d comes first.
_DECODERS = {
    "h264": ("h264",),
    "hevc": ("hevc",),
    "vp8": ("vp8",),
    "vp9": ("vp9",),
    "av1": ("libdav1d", "av1"),
    "aac": ("aac",),
    "opus": ("opus", "libopus"),
}

_LABELS = {
    "h264": "H.264",
    "hevc": "H.265",
    "vp8": "VP8",
    "vp9": "VP9",
    "av1": "AV1",
    "aac": "AAC",
    "opus": "Opus",
}


def resolve(codec: str) -> CodecInfo:
    """The decoder for a catalog codec string such as ``avc1.64001f``.

    Raises UnsupportedCodec with a sentence a user can read.
    """
    prefix = codec.split(".", 1)[0].strip().lower()
    family = _FAMILIES.get(prefix)
    if family is None:
        raise UnsupportedCodec(f"the codec {codec or '(none)'} is not supported")
    for name in _DECODERS[family]:
        try:
            av.codec.Codec(name, "r")
        except Exception:  # PyAV raises several types for an unknown codec
            continue
        return CodecInfo(family, name, f"{_LABELS[family]} ({codec})")
    raise UnsupportedCodec(f"no {_LABELS[family]} decoder is installed for {codec}")


def is_annexb(payload: bytes, length_size: int = 4) -> bool:
    """Whether a payload is Annex-B rather than length-prefixed NAL units.

    A start code alone does not tell: a 4-byte length of 256 to 511 also
    begins with 00 00 01. So a payload whose length prefixes add up exactly
    is taken as length-prefixed.
    """
    if payload[:4] != START_CODE and payload[:3] != START_CODE[1:]:
        return False
    return not is_length_prefixed(payload, length_size)


def is_length_prefixed(payload: bytes, length_size: int = 4) -> bool:
    """Whether ``payload`` splits exactly into length-prefixed NAL units."""
    position = 0
    while position + length_size <= len(payload):
        length = int.from_bytes(payload[position : position + length_size])
        if length == 0:
            return False
        position += length_size + length
    return position == len(payload)


def parameter_sets(family: str, description: bytes) -> list[bytes]:
    """The SPS/PPS (and VPS) NAL units stored in an avcC or hvcC record."""
    if not description:
        return []
    try:
        if family == "h264":
            return _avcc_sets(description)
        if family == "hevc":
            return _hvcc_sets(description)
    except IndexError:
        log.warning("the %s description is truncated; ignoring it", family)
    return []


def nal_length_size(family: str, description: bytes) -> int:
    """The size of each NAL length prefix the description declares (default 4)."""
    if family == "h264" and len(description) > 4:
        return (description[4] & 0x03) + 1
    if family == "hevc" and len(description) > 21:
        return (description[21] & 0x03) + 1
    return 4


def _avcc_sets(data: bytes) -> list[bytes]:
    sets = []
    position = 6
    position = _read_sets(data, position, data[5] & 0x1F, sets)  # SPS
    _read_sets(data, position + 1, data[position], sets)  # PPS
    return sets


def _read_sets(data: bytes, position: int, count: int, sets: list[bytes]) -> int:
    for _ in range(count):
        length = int.from_bytes(data[position : position + 2])
        if position + 2 + length > len(data):
            raise IndexError("parameter set past the end of the description")
        sets.append(data[position + 2 : position + 2 + length])
        position += 2 + length
    return position


def _hvcc_sets(data: bytes) -> list[bytes]:
    sets = []
    position = 23
    for _ in range(data[22]):
        count = int.from_bytes(data[position + 1 : position + 3])
        position = _read_sets(data, position + 3, count, sets)
    return sets


def to_annexb(payload: bytes, length_size: int = 4) -> bytes:
    """Rewrite length-prefixed NAL units with start codes."""
    out = bytearray()
    position = 0
    while position + length_size <= len(payload):
        length = int.from_bytes(payload[position : position + length_size])
        position += length_size
        out += START_CODE
        out += payload[position : position + length]
        position += length
    return bytes(out)


def aac_config(sample_rate: int, channels: int) -> bytes:
    """An AAC-LC AudioSpecificConfig, for a catalog that carries none."""
    rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000]
    rates += [12000, 11025, 8000, 7350]
    index = rates.index(sample_rate) if sample_rate in rates else 3
    value = (2 << 11) | (index << 7) | ((channels or 2) << 3)
    return value.to_bytes(2)
