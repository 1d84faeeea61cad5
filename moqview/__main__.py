"""The ``moqview`` command: watch a broadcast, or one of the helper commands."""

import argparse
import logging
import os
import sys

COMMANDS = {
    "bench": "moqview.bench",
    "probe": "moqview.probe",
    "soak": "moqview.soak",
}


LATENCIES = ("realtime", "100ms", "250ms", "500ms", "1s", "2s")


def has_display() -> bool:
    """Whether a window can be shown: a display, or a Qt platform chosen."""
    return any(
        os.environ.get(name)
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )


def watch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moqview",
        description=(
            "Watch a Media over QUIC broadcast. With no URL, moqview starts a local "
            "relay and publisher and plays their demo broadcast. Other commands: "
            + ", ".join(sorted(COMMANDS))
            + " (see moqview COMMAND --help)."
        ),
    )
    parser.add_argument("url", nargs="?", help="relay URL, e.g. https://relay.example")
    parser.add_argument("broadcast", nargs="?", help="broadcast path to play")
    parser.add_argument(
        "--latency",
        default="250ms",
        choices=LATENCIES,
        help="latency target (default: %(default)s)",
    )
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--stats", action="store_true", help="show the stats overlay")
    parser.add_argument(
        "--renderer",
        choices=("auto", "gpu", "cpu"),
        help=(
            "picture path: gpu (Qt's video widget), cpu (FFmpeg scales pictures "
            "for the screen; for machines without a GPU) or auto (the default: "
            "cpu where OpenGL renders in software; also $MOQVIEW_RENDERER)"
        ),
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        type=str.lower,
        choices=("debug", "info", "warning", "error", "critical"),
        help="log level of moqview and libmoq (default: %(default)s)",
    )
    return parser


def configure_logging(level: str) -> None:
    """Python logging at ``level``, and libmoq's own log (on stderr) with it."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from moqview import moq

    moq.set_log_level(moq.level_for(level))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        import importlib

        return importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])

    args = watch_parser().parse_args(argv)
    if not has_display():
        print(
            "moqview: no display (DISPLAY is not set); printing what arrives "
            "instead, as `moqview probe` does",
            file=sys.stderr,
        )
        from moqview import probe

        return probe.main([a for a in (args.url, args.broadcast) if a])

    configure_logging(args.log_level)
    if args.log_level.lower() not in ("debug", "info"):
        # Qt's notes, at import, on the audio libraries it looks for and lacks;
        # the status bar says in words when there is no sound.
        os.environ.setdefault(
            "QT_LOGGING_RULES",
            "qt.*.info=false;qt.multimedia.symbolsresolver.warning=false",
        )
    from moqview.ui.app import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
