"""The demo broadcast that ``moqview`` with no arguments plays."""

from .publisher import Media, Publisher
from .relay import Relay


class DemoStack:
    """A relay plus the upstream publisher with the test pattern, as one unit."""

    def __init__(self, name: str = "demo", media: Media | None = None):
        self.relay = Relay()
        self.publisher = Publisher(self.relay.url, name, media)

    @property
    def url(self) -> str:
        return self.relay.url

    @property
    def broadcast(self) -> str:
        return self.publisher.name

    def start(self) -> "DemoStack":
        self.relay.start()
        self.publisher.start()
        return self

    def stop(self) -> None:
        self.publisher.stop()
        self.relay.stop()

    def __enter__(self) -> "DemoStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.publisher.__exit__(*exc)
        self.relay.__exit__(*exc)
