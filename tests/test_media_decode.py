"""Video decoding with PyAV: every codec, both H.264 shapes, B-frames, resolution
changes and recovery after a broken frame, on real encoded media."""

import pytest
from conftest_viewer import VIDEO, Frame, encoded_video

from moqview.media import codecs
from moqview.media.video import VideoConfig, VideoDecoder


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


def decode_all(encoded, frames=None):
    decoder = VideoDecoder(VideoConfig(encoded.codec, encoded.description))
    pictures = []
    for frame in frames if frames is not None else encoded.frames:
        pictures += decoder.decode(frame.payload, frame.timestamp_us, frame.keyframe)
    return decoder, pictures + decoder.flush()


def chroma_at(picture, x, y):
    return int(picture.u[y // 2, x // 2]), int(picture.v[y // 2, x // 2])


@pytest.mark.parametrize("kind", [k for k in VIDEO if k != "h264-bframes"])
def test_every_codec_decodes_every_frame_to_yuv420p_bars(media_dir, kind):
    encoded = encoded_video(media_dir, kind)

    decoder, pictures = decode_all(encoded)

    assert decoder.errors == 0
    assert len(pictures) == len(encoded.frames) == 60
    picture = pictures[-1]
    assert (picture.width, picture.height) == (320, 240)
    assert picture.y.shape == (240, 320) and picture.u.shape == (120, 160)
    # SMPTE HD bars at 320 px: 40% grey at the left edge, yellow at x=90,
    # blue at x=260 (BT.709 limited range, allowing for compression).
    assert abs(int(picture.y[40, 10]) - 104) < 8
    assert all(abs(c - 128) < 8 for c in chroma_at(picture, 10, 40))
    yellow_u, yellow_v = chroma_at(picture, 90, 40)
    blue_u, blue_v = chroma_at(picture, 260, 40)
    assert yellow_u < 70 and yellow_v > 128
    assert blue_u > 190 and blue_v < 128


def test_b_frames_come_out_in_presentation_order(media_dir):
    encoded = encoded_video(media_dir, "h264-bframes")
    arrival_order = [f.timestamp_us for f in encoded.frames]
    assert arrival_order != sorted(arrival_order)  # the stream really reorders

    _, pictures = decode_all(encoded)

    shown = [p.timestamp_us for p in pictures]
    assert shown == sorted(arrival_order)


def test_avcc_description_with_annexb_payloads_decodes(media_dir):
    encoded = encoded_video(media_dir, "h264")
    rewritten = [
        Frame(codecs.to_annexb(f.payload), f.timestamp_us, f.keyframe)
        for f in encoded.frames
    ]
    assert codecs.is_annexb(rewritten[0].payload)

    decoder, pictures = decode_all(encoded, rewritten)

    assert decoder.errors == 0
    assert len(pictures) == 60


def test_resolution_change_mid_stream_keeps_every_frame(media_dir):
    small = encoded_video(media_dir, "h264-annexb", size="320x240")
    large = encoded_video(media_dir, "h264-annexb", size="640x360")
    shift = small.frames[-1].timestamp_us + 33_333
    frames = small.frames + [
        Frame(f.payload, f.timestamp_us + shift, f.keyframe) for f in large.frames
    ]

    decoder, pictures = decode_all(small, frames)

    assert decoder.errors == 0
    assert len(pictures) == 120
    sizes = [(p.width, p.height) for p in pictures]
    assert sizes[59] == (320, 240) and sizes[60] == (640, 360)
    assert pictures[60].u.shape == (180, 320)


def test_a_broken_frame_recovers_at_the_next_keyframe(media_dir):
    encoded = encoded_video(media_dir, "h264")
    frames = list(encoded.frames)
    frames[10] = Frame(b"\x00\x00\x00\x05\xff\xff\xff\xff\xff" * 50, 10 * 33_333, False)

    decoder, pictures = decode_all(encoded, frames)

    assert decoder.errors == 1
    shown = [p.timestamp_us for p in pictures]
    # Frames 0-9 were shown, 10-29 are lost, the keyframe at 30 plays again.
    assert shown[:10] == [f.timestamp_us for f in encoded.frames[:10]]
    assert encoded.frames[30].keyframe
    assert shown[10:] == [f.timestamp_us for f in encoded.frames[30:]]


def test_decoding_starts_at_the_first_keyframe(media_dir):
    encoded = encoded_video(media_dir, "h264")

    _, pictures = decode_all(encoded, encoded.frames[5:])

    assert [p.timestamp_us for p in pictures] == [
        f.timestamp_us for f in encoded.frames[30:]
    ]


def test_an_unknown_codec_says_so_in_words():
    with pytest.raises(codecs.UnsupportedCodec, match="mp4v.20.9 is not supported"):
        VideoDecoder(VideoConfig("mp4v.20.9"))


def test_parameter_sets_come_out_of_avcc_and_hvcc(media_dir):
    avc = encoded_video(media_dir, "h264")
    hevc = encoded_video(media_dir, "hevc")

    avc_sets = codecs.parameter_sets("h264", avc.description)
    hevc_sets = codecs.parameter_sets("hevc", hevc.description)

    assert [s[0] & 0x1F for s in avc_sets] == [7, 8]  # SPS, PPS
    assert [(s[0] >> 1) & 0x3F for s in hevc_sets][:3] == [32, 33, 34]  # VPS SPS PPS
