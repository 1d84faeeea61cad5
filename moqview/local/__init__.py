"""A local MoQ stack on loopback: the real relay and publisher, for the demo,
tests and benchmarks."""

from .auth import AuthServer
from .blackhole import BlackHole
from .demo import DemoStack
from .hostile import HostileBroadcast
from .publisher import Media, Publisher
from .relay import Relay

__all__ = [
    "AuthServer",
    "BlackHole",
    "DemoStack",
    "HostileBroadcast",
    "Media",
    "Publisher",
    "Relay",
]
