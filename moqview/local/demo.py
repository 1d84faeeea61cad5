"""The demo broadcast that ``moqview`` with no arguments plays."""

import logging
import threading

from .publisher import Media, Publisher
from .relay import Relay

log = logging.getLogger(__name__)

# The test pattern at two sizes, so the demo shows the viewer choosing a
# rendition by the size of its window, and switching when one is chosen.
DEMO_MEDIA = Media(extra_renditions=((640, 360),))


class DemoStack:
    """A relay plus the upstream publisher with the test pattern, as one unit.

    By default the broadcast carries the picture at 1280x720 and 640x360.

    While it runs, a watchdog restarts the publisher, or the relay on its own
    port, if either exits, so the demo comes back by itself (the viewer sees
    it go offline and return).
    """

    def __init__(self, name: str = "demo", media: Media | None = None):
        self.relay = Relay()
        self.publisher = Publisher(self.relay.url, name, media or DEMO_MEDIA)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watchdog = threading.Thread(
            target=self._watch, name="demo watchdog", daemon=True
        )

    @property
    def url(self) -> str:
        return self.relay.url

    @property
    def broadcast(self) -> str:
        return self.publisher.name

    def start(self) -> "DemoStack":
        self.relay.start()
        self.publisher.start()
        self._watchdog.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            with self._lock:
                if self._stopping.is_set():
                    continue
                if not self.relay.running():
                    # On the same port: the viewer's URL stays right, and its
                    # session reconnects by itself.
                    log.warning("the demo relay exited; starting it again")
                    self.relay.stop()
                    try:
                        self.relay.start()
                    except (OSError, RuntimeError) as error:
                        log.warning("the demo relay did not start again: %s", error)
                        continue
                    self.publisher.stop()  # its session ended with the relay
                if self.publisher.running():
                    continue
                log.warning("the demo publisher exited; starting it again")
                self.publisher.stop()
                self.publisher.start()

    def restart_publisher(self) -> None:
        """Stop the publisher and start it again under the same name.

        Under the watchdog's lock: a restart from outside while the watchdog
        saw the publisher gone would otherwise start a second publisher of
        the same broadcast, which the Publisher object no longer tracks.
        """
        with self._lock:
            self.publisher.stop()
            self.publisher.start()

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            self.publisher.stop()
            self.relay.stop()

    def __enter__(self) -> "DemoStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self.publisher.__exit__(*exc)
        self.relay.__exit__(*exc)
