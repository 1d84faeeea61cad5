"""moqview: a desktop viewer for Media over QUIC live broadcasts, built on libmoq."""

__version__ = "0.1.0"
