"""moqview probe: the headless check of a relay and a broadcast."""

import os
import subprocess
import sys


def probe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "moqview", "probe", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_with_only_a_url_it_reads_the_first_announced_broadcast(demo):
    result = probe(demo.url, "--frames", "30")

    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "connected epoch=1" in lines
    assert "announced 'demo'" in lines
    assert any(line.startswith("video ") and "avc1." in line for line in lines)
    assert any(line.startswith("frame 1 ") and "keyframe" in line for line in lines)


def test_a_broadcast_that_is_never_announced_is_named(demo):
    result = probe(demo.url, "no-such-broadcast", "--timeout", "3")

    assert result.returncode == 1
    assert "'no-such-broadcast' was never announced" in result.stdout
    assert "received 0 of 90 frames" in result.stdout


def test_a_malformed_url_is_refused_with_the_reason():
    result = probe("relay.example:443")

    assert result.returncode == 2
    assert "needs a scheme" in result.stderr


def test_it_stops_at_the_number_of_frames_asked_for(demo):
    result = probe(demo.url, "demo", "--frames", "5")

    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "received 5 of 5 frames" in lines
    assert not any(line.startswith("frame 30 ") for line in lines)
