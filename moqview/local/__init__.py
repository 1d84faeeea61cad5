"""A local MoQ stack on loopback: the real relay and publisher, for the demo,
tests and benchmarks."""

from .demo import DemoStack
from .publisher import Media, Publisher
from .relay import Relay

__all__ = ["DemoStack", "Media", "Publisher", "Relay"]
