"""The viewer, instrumented, run as its own process for the latency, playback
and start-up benchmarks.

``python -m moqview.bench.viewer_probe MODE URL PATH LATENCY SECONDS WARMUP``
opens moqview's MainWindow and notes the wall-clock time of three steps of
every video frame: the track's sink on libmoq's thread (``callback``), the
decoder handing a picture to presentation (``decoded``) and the view taking
the frame on the GUI thread (``presented``). MODE ``play`` plays PATH at once;
MODE ``choose`` waits until PATH is listed, then chooses it as a user would,
several times, timing each choice to its first frame. Prints one JSON object.

The three steps are observed by wrapping two VideoWorker methods and
connecting to VideoView.frameShown in this process only; the viewer's code is
unchanged.
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from moqview import moq
from moqview.media.clock import parse_latency
from moqview.media.worker import VideoWorker

steps: dict[str, list[tuple[int, int]]] = {
    "callback": [],
    "decoded": [],
    "presented": [],
}


def _instrument() -> None:
    original_sink = VideoWorker.sink
    original_show = VideoWorker._show_when_due
    callback, decoded = steps["callback"].append, steps["decoded"].append

    def sink(self, generation):
        deliver = original_sink(self, generation)

        def traced(frame):
            callback((frame.timestamp_us, time.time_ns()))
            deliver(frame)

        return traced

    def show_when_due(self, picture, *args):
        decoded((picture.timestamp_us, time.time_ns()))
        original_show(self, picture, *args)

    VideoWorker.sink = sink
    VideoWorker._show_when_due = show_when_due


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


_TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds() -> dict[str, float]:
    """CPU seconds of this process's threads, summed by thread name."""
    by_name: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        # The name is in parentheses and may hold spaces; the times follow it.
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
        by_name[name] = by_name.get(name, 0.0) + seconds
    return by_name


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> int:
    mode, url, path = argv[0], argv[1], argv[2]
    latency_us = parse_latency(argv[3])
    seconds, warmup = float(argv[4]), float(argv[5])
    _instrument()

    from moqview.ui.settings import Settings
    from moqview.ui.window import MainWindow

    app = QApplication([])
    scratch = tempfile.TemporaryDirectory(prefix="moqview-bench-")
    ini = QSettings(f"{scratch.name}/settings.ini", QSettings.Format.IniFormat)
    window = MainWindow(latency_us, Settings(ini))
    window.resize(1600, 1000)
    window.show()
    view = window.view
    presented = steps["presented"].append
    view.frameShown.connect(lambda: presented((view.shown_us, time.time_ns())))
    report: dict = {}

    if mode == "play":
        window.connect_to(url, path)
        measure = {}

        def window_start() -> None:
            measure["cpu"], measure["at"] = cpu_seconds(), time.monotonic()
            measure["threads"] = thread_cpu_seconds()
            measure["counters"] = _counters(window)

        def window_end() -> None:
            report["cpu_s"] = cpu_seconds() - measure["cpu"]
            before = measure["threads"]
            report["thread_cpu_s"] = {
                name: seconds - before.get(name, 0.0)
                for name, seconds in thread_cpu_seconds().items()
            }
            report["window_s"] = time.monotonic() - measure["at"]
            report["rss_mib"] = rss_mib()
            report["picture_size"] = list(window.view.picture_size())
            before, after = measure["counters"], _counters(window)
            report["counters"] = {k: after[k] - before[k] for k in after}
            app.quit()

        QTimer.singleShot(int(warmup * 1000), window_start)
        QTimer.singleShot(int((warmup + seconds) * 1000), window_end)
    else:
        report["choose_ms"] = []
        _choose_repeatedly(app, window, url, path, int(seconds), report["choose_ms"])

    QTimer.singleShot(int((warmup + seconds + 60) * 1000), app.quit)
    app.exec()

    window.shutdown()
    moq.close_all()
    report.update(steps)
    report["renderer"] = view.renderer
    report["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report), flush=True)
    window.close()
    return 0


def _counters(window) -> dict:
    player = window.player
    if player is None:
        return {"received": 0, "decoded": 0, "dropped": 0, "shown": 0}
    counters = player.video.counters
    return {
        "received": counters.received,
        "decoded": counters.decoded,
        "dropped": counters.dropped,
        "shown": window.view.shown,
    }


def _choose_repeatedly(app, window, url, path, times, results) -> None:
    """Choose ``path`` ``times`` times, each after a pause on another path."""
    state = {"left": times, "asked": 0}

    def choose() -> None:
        state["asked"] = time.monotonic_ns()
        window.play(path)

    def shown() -> None:
        if state["asked"]:
            results.append((time.monotonic_ns() - state["asked"]) / 1e6)
            state["asked"] = 0
            state["left"] -= 1
            window.play(f"elsewhere-{state['left']}")
            if state["left"] > 0:
                QTimer.singleShot(1500, choose)
            else:
                QTimer.singleShot(200, app.quit)

    def listed(listed_path: str, live: bool) -> None:
        if listed_path == path and live and not state.get("started"):
            state["started"] = True
            QTimer.singleShot(1500, choose)

    window.view.frameShown.connect(shown)
    # Wait on another path first, so the window does not play PATH by itself.
    window.connect_to(url, "elsewhere")
    window.connection.model.liveChanged.connect(listed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
