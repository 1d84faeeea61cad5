"""Audio decoding to the output format, the PCM ring's jitter buffer and clock,
and the QIODevice the audio device pulls from."""

import math

import pytest
from conftest_viewer import encoded_audio

from moqview.media.audio import (
    BYTES_PER_FRAME,
    AudioConfig,
    AudioDecoder,
    PcmRing,
    bytes_to_us,
    level_dbfs,
    us_to_bytes,
)
from moqview.media.feed import AudioFeed


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audio")


@pytest.mark.parametrize("kind", ["aac", "opus"])
def test_a_tone_decodes_to_a_second_of_loud_stereo_pcm(media_dir, kind):
    encoded = encoded_audio(media_dir, kind, seconds=1.0)
    decoder = AudioDecoder(
        AudioConfig(
            encoded.codec, encoded.sample_rate, encoded.channels, encoded.description
        )
    )

    pcm = b"".join(decoder.decode(f.payload, f.timestamp_us) for f in encoded.frames)

    assert decoder.errors == 0
    assert abs(bytes_to_us(len(pcm)) - 1_000_000) < 60_000
    # ffmpeg's sine (amplitude 1/8) measures about -21 to -24 dBFS here.
    assert -27 < level_dbfs(pcm[len(pcm) // 4 :]) < -18


def test_aac_without_a_description_decodes_with_a_made_up_config(media_dir):
    encoded = encoded_audio(media_dir, "aac")
    decoder = AudioDecoder(AudioConfig(encoded.codec, 48_000, 2, b""))

    pcm = b"".join(decoder.decode(f.payload, f.timestamp_us) for f in encoded.frames)

    assert level_dbfs(pcm[len(pcm) // 4 :]) > -27


def test_silence_measures_minus_infinity():
    assert level_dbfs(bytes(4800)) == -math.inf


def block(duration_us: int, value: int = 1000) -> bytes:
    return value.to_bytes(2, "little", signed=True) * (us_to_bytes(duration_us) // 2)


def test_the_ring_plays_silence_until_the_jitter_buffer_is_full():
    ring = PcmRing(prebuffer_us=100_000)
    ring.write(block(50_000), 0)

    early = ring.read(us_to_bytes(10_000))

    assert set(early) == {0} and ring.position_us is None
    ring.write(block(50_000), 50_000)
    played = ring.read(us_to_bytes(10_000))
    assert set(played) != {0}
    assert ring.position_us == 10_000


def test_the_ring_clock_follows_the_timestamps_across_blocks():
    ring = PcmRing(prebuffer_us=0)
    ring.write(block(20_000), 1_000_000)
    ring.write(block(20_000), 5_000_000)  # a jump, as after a skipped group

    ring.read(us_to_bytes(30_000))

    assert ring.position_us == 5_010_000


def test_the_ring_drops_the_oldest_audio_beyond_its_capacity():
    ring = PcmRing(prebuffer_us=100_000, capacity_us=400_000)
    for index in range(10):
        ring.write(block(100_000), index * 100_000)

    assert ring.buffered_us <= 400_000
    assert ring.dropped_us == 600_000
    ring.read(BYTES_PER_FRAME)
    assert ring.position_us >= 600_000


def test_the_feed_hands_the_ring_to_the_device_and_counts_bytes():
    ring = PcmRing(prebuffer_us=0)
    ring.write(block(10_000, value=-7), 0)
    ring.write(block(10_000), 10_000)
    feed = AudioFeed(ring)
    feed.start()

    data = bytes(feed.read(us_to_bytes(10_000)))

    assert data == block(10_000, value=-7)
    assert feed.bytes_read == len(data)
    assert ring.position_us == 10_000


def test_track_switches_leave_no_decoder_threads_behind(media_dir):
    import os
    import time

    from moqview.media.worker import AudioWorker

    def native_threads() -> int:
        return len(os.listdir(f"/proc/{os.getpid()}/task"))

    encoded = encoded_audio(media_dir, "aac", seconds=0.5)
    config = AudioConfig(
        encoded.codec, encoded.sample_rate, encoded.channels, encoded.description
    )
    worker = AudioWorker(PcmRing(prebuffer_us=100_000))
    worker.start()
    sink = None
    for generation in range(12):
        worker.configure(config, generation)
        sink = worker.sink(generation)
        for frame in encoded.frames[:10]:
            sink(frame)
        deadline = time.monotonic() + 5
        while worker.counters.decoded < 10 * (generation + 1):
            assert time.monotonic() < deadline, "the worker stopped decoding"
            time.sleep(0.01)
        if generation == 1:
            settled = native_threads()

    # Each switch replaced the decoder and its resampler; two switches in,
    # the count is what one decoder costs, and ten more must not add to it.
    assert native_threads() <= settled
    worker.stop()
    worker.join()
