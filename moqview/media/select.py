"""Choosing renditions: by hand, or automatically by the size of the view."""

from . import codecs


def supported(codec: str) -> bool:
    try:
        codecs.resolve(codec)
    except codecs.UnsupportedCodec:
        return False
    return True


def choose_video(renditions, view_width: int, view_height: int, manual=None):
    """The video rendition to play, or None when none can be decoded.

    ``manual`` (a rendition index) wins when it exists and can be decoded.
    Otherwise: among decodable renditions that are not stalled (or all of them
    if every one is stalled), the smallest that covers the view, else the
    largest.
    """
    playable = [r for r in renditions if supported(r.codec)]
    if manual is not None:
        for rendition in playable:
            if rendition.index == manual:
                return rendition
    flowing = [r for r in playable if not r.stalled] or playable
    if not flowing:
        return None
    by_size = sorted(flowing, key=lambda r: (r.coded_width * r.coded_height, r.index))
    for rendition in by_size:
        if rendition.coded_width >= view_width or rendition.coded_height >= view_height:
            return rendition
    return by_size[-1]


def choose_audio(renditions):
    """The first decodable audio rendition, or None."""
    for rendition in renditions:
        if supported(rendition.codec):
            return rendition
    return None
