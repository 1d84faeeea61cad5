"""A private PulseAudio server with one null sink, and recordings of what plays
into it: a real audio device for machines that have none."""

import logging
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

from . import process

log = logging.getLogger(__name__)

BYTES_PER_SAMPLE = 2  # s16le


def client_files(directory: Path) -> dict[str, str]:
    """Variables that keep a PulseAudio client's files in ``directory``.

    A client otherwise creates a cookie and a runtime link in the user's
    configuration, and may start a server of its own (autospawn).
    """
    (directory / "client.conf").write_text("autospawn = no\n")
    return {
        "PULSE_CLIENTCONFIG": str(directory / "client.conf"),
        "PULSE_COOKIE": str(directory / "cookie"),
        "PULSE_RUNTIME_PATH": str(directory / "runtime"),
    }


def no_server(directory: Path) -> dict[str, str]:
    """A client environment whose sound server does not exist: no audio device,
    whatever this machine has."""
    return {
        "PULSE_SERVER": f"unix:{directory / 'no-server'}",
        **client_files(directory),
    }


class SoundServer(process.Service):
    """Runs ``pulseaudio`` in user mode on a socket in its own directory.

    The user's PulseAudio files are neither read nor written: the server loads
    only a null sink (``sink``, 48 kHz stereo by default), which is its
    clients' default output, and the native protocol on ``DIRECTORY/native``.
    A client joins by taking ``environment`` into its own; Qt reads it when
    its audio backend starts, once per process. ``record()`` captures the
    sink's monitor: exactly what the clients play, after their volume.
    """

    name = "pulseaudio"

    def __init__(self, sink: str = "moqview", rate: int = 48_000, channels: int = 2):
        super().__init__()
        self.sink = sink
        self.rate = rate
        self.channels = channels
        self.socket = self.directory / "native"
        self._recordings: list[Recording] = []
        self.environment = {
            "PULSE_SERVER": f"unix:{self.socket}",
            **client_files(self.directory),
        }

    def start(self, timeout: float = 10.0) -> "SoundServer":
        for program in ("pulseaudio", "pactl", "parec"):
            if shutil.which(program) is None:
                raise FileNotFoundError(
                    f"{program} is not installed; run scripts/setup (Debian's "
                    "pulseaudio and pulseaudio-utils)"
                )
        sink = (
            f"module-null-sink sink_name={self.sink} rate={self.rate} "
            f"channels={self.channels} format=s16le "
            f"sink_properties=device.description={self.sink}"
        )
        protocol = f"module-native-protocol-unix socket={self.socket} auth-anonymous=1"
        # The server's own files (state, runtime, configuration) stay in the
        # directory; env passes them on exec, so the pid is the server's.
        variables = {
            "HOME": str(self.directory),
            "XDG_CONFIG_HOME": str(self.directory / "config"),
            "PULSE_STATE_PATH": str(self.directory / "state"),
            "PULSE_RUNTIME_PATH": str(self.directory / "runtime"),
        }
        self._spawn(
            ["env", *(f"{key}={value}" for key, value in variables.items())]
            + [
                "pulseaudio",
                "--daemonize=no",
                "--system=false",
                "-n",  # no default script: only the modules loaded here
                f"--load={sink}",
                f"--load={protocol}",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--use-pid-file=false",
                "--disable-shm=yes",  # nothing left in /dev/shm, even if killed
                "--realtime=no",
                "--high-priority=no",
                "--log-target=stderr",
            ]
        )
        self._wait_ready(self._answer, timeout)
        log.info("sound server on %s, sink %s", self.socket, self.sink)
        return self

    def client_environment(self) -> dict[str, str]:
        """This process's environment with the server as its sound server."""
        return {**os.environ, **self.environment}

    def _answer(self) -> None:
        if not self.socket.exists():
            raise OSError("no socket yet")
        answer = subprocess.run(
            ["pactl", "info"],
            env=self.client_environment(),
            capture_output=True,
            timeout=5,
        )
        if answer.returncode != 0:
            raise OSError(answer.stderr.decode(errors="replace").strip())

    def suspend(self, suspended: bool = True) -> None:
        """Stop (or restart) the sink taking sound, like a device that stalls."""
        subprocess.run(
            ["pactl", "suspend-sink", self.sink, "1" if suspended else "0"],
            env=self.client_environment(),
            capture_output=True,
            check=True,
            timeout=5,
        )

    def record(self, timeout: float = 5.0) -> "Recording":
        """Record the sink's monitor from now on; stop() the recording or the server.

        Returns once sound flows: an idle null sink renders in blocks of up
        to two seconds, and a recording asking for low latency (which also
        makes the sink play what clients write without that wait) gets its
        first bytes only when the block under way ends.
        """
        recording = Recording(self)
        self._recordings.append(recording)
        recording.wait_for(1, timeout)
        return recording

    def stop(self) -> None:
        for recording in self._recordings:
            recording.stop()
        self._recordings.clear()
        super().stop()


class Recording:
    """``parec`` of a SoundServer's monitor, read by a thread as it arrives.

    Positions are byte offsets into the recording (s16le, interleaved), so a
    test marks ``position``, acts, and reads ``pcm(mark)``. ``arrival(offset)``
    is when (time.monotonic) the byte at ``offset`` reached this process.
    """

    def __init__(self, server: SoundServer):
        self.rate = server.rate
        self.channels = server.channels
        self._lock = threading.Lock()
        self._data = bytearray()
        self._arrivals: list[tuple[int, float]] = []  # (end offset, arrival)
        self._log = open(server.directory / f"parec-{id(self):x}.log", "wb")
        self._process = process.spawn(
            [
                "parec",
                f"--device={server.sink}.monitor",
                "--format=s16le",
                f"--rate={server.rate}",
                f"--channels={server.channels}",
                "--raw",
                "--latency-msec=20",
            ],
            env=server.client_environment(),
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    @property
    def frame_bytes(self) -> int:
        return BYTES_PER_SAMPLE * self.channels

    def seconds_to_bytes(self, seconds: float) -> int:
        return round(seconds * self.rate) * self.frame_bytes

    def _read(self) -> None:
        output = self._process.stdout
        while chunk := os.read(output.fileno(), 16_384):
            now = time.monotonic()
            with self._lock:
                self._data += chunk
                self._arrivals.append((len(self._data), now))

    @property
    def position(self) -> int:
        with self._lock:
            return len(self._data)

    def wait_for(self, position: int, timeout: float = 10.0) -> None:
        """Block until the recording reaches ``position``; TimeoutError if not."""
        deadline = time.monotonic() + timeout
        while self.position < position:
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise TimeoutError(
                    f"the recording stopped at {self.position} of {position} bytes"
                )
            time.sleep(0.01)

    def take(self, seconds: float, timeout: float = 10.0) -> bytes:
        """The next ``seconds`` of sound, from now on."""
        start = self.position
        end = start + self.seconds_to_bytes(seconds)
        self.wait_for(end, timeout + seconds)
        return self.pcm(start, end)

    def pcm(self, start: int = 0, end: int | None = None) -> bytes:
        with self._lock:
            return bytes(self._data[start:end])

    def arrival(self, offset: int) -> float:
        """When the chunk holding ``offset`` was read (time.monotonic)."""
        with self._lock:
            for end, arrived in self._arrivals:
                if end > offset:
                    return arrived
        raise ValueError(f"offset {offset} is not recorded yet")

    def stop(self) -> None:
        process.stop(self._process)
        self._thread.join(timeout=5)
        self._process.stdout.close()
        self._log.close()
