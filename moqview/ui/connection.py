"""Connection: one relay URL, its session state in words, and its broadcasts."""

import logging
import re

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from moqview import moq

log = logging.getLogger(__name__)

# Seconds a first dial keeps retrying an unreachable relay (libmoq's backoff:
# attempts about 0, 1 and 3 s in).
FIRST_DIAL_S = 4.0

RETRY_MS = 3000


# The causes a user can act on, found in libmoq's chain of error messages, in
# the order they are looked for; the full text still goes to the log.
_CAUSES = (
    ("unauthorized", "the relay refused access (unauthorized)"),
    ("forbidden", "the relay refused access (forbidden)"),
    ("connection refused", "connection refused (is the relay running?)"),
    (
        "fingerprint request failed with status",
        "the server there is not a MoQ relay (it serves no certificate fingerprint)",
    ),
    ("invalid peer certificate", "the relay's certificate is not trusted"),
    ("name or service not known", "unknown host"),
    ("failed dns lookup", "unknown host"),
    ("timed out connecting", "no answer from the relay"),
)


def summarize(reason: str) -> str:
    """The cause in ``reason`` in a few words, or the reason itself."""
    lowered = reason.lower()
    for needle, words in _CAUSES:
        if needle in lowered:
            return words
    return reason


def is_auth_failure(reason: str) -> bool:
    # libmoq may wrap the refusal ("moq: moq error: unauthorized"), so look for
    # the word anywhere in the reason rather than only in its first part.
    words = set(re.findall(r"[a-z]+", reason.lower()))
    return bool(words & {"unauthorized", "forbidden"})


class Connection(QObject):
    """Owns the Origin, Session and Announcements for one relay URL.

    Signals:
        stateChanged(state, text): ``connecting``, ``connected``,
            ``reconnecting`` or ``failed``, with a sentence for the status bar.

    libmoq's session reconnects by itself (epochs 2, 3, ...); when it gives up,
    a new session is dialled after RETRY_MS, except after an auth failure,
    which stops retrying.
    """

    stateChanged = Signal(str, str)

    def __init__(self, url: str, parent: QObject | None = None):
        super().__init__(parent)
        self.url = url.strip()
        self.state = ""
        self.text = ""
        self.epoch = 0
        self.session: moq.Session | None = None
        self.origin: moq.Origin | None = None
        self.model = moq.AnnouncementModel(self)
        self._announcements: moq.Announcements | None = None
        self._stopped = False
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._dial)
        self._watch = QTimer(self)
        self._watch.setInterval(1000)
        self._watch.timeout.connect(self._check_alive)

    def _set_state(self, state: str, text: str) -> None:
        if (state, text) == (self.state, self.text):
            return
        self.state, self.text = state, text
        level = logging.WARNING if state == "failed" else logging.INFO
        log.log(level, "%s: %s", self.url, text)
        self.stateChanged.emit(state, text)

    def start(self) -> bool:
        """Check the URL and dial; False (state ``failed``) for a malformed URL."""
        try:
            moq.check_url(self.url)
        except ValueError as error:
            self._set_state("failed", str(error))
            return False
        self.origin = moq.Origin()
        self._announcements = moq.Announcements(self.origin)
        self._announcements.closed.connect(self._close_origin)
        self.model.watch(self._announcements)
        self._dial()
        self._watch.start()
        return True

    @Slot()
    def _dial(self) -> None:
        # libmoq retries a relay it cannot reach for its backoff_timeout, then
        # the session ends with the reason, which _on_closed turns into "failed"
        # when no connection was ever made. A first dial gives up sooner than
        # libmoq's 10 s, so a mistyped or stopped relay is reported in seconds;
        # once connected, a lost connection is retried for the full default.
        if self._stopped:
            return
        self._set_state("connecting", f"connecting to {self.url}")
        config = (
            moq.ClientConfig(backoff_timeout=FIRST_DIAL_S) if not self.epoch else None
        )
        try:
            self.session = moq.Session(self.url, consume=self.origin, config=config)
        except moq.MoqError as error:
            self._set_state("failed", f"cannot connect: {error.message or error.name}")
            return
        self.session.connected.connect(self._on_connected)
        self.session.closed.connect(self._on_closed)

    @Slot(int)
    def _on_connected(self, epoch: int) -> None:
        self.epoch = epoch
        if epoch <= 1:
            self._set_state("connected", f"connected to {self.url}")
        else:
            self._set_state("connected", f"reconnected to {self.url} (epoch {epoch})")

    @Slot(int, str)
    def _on_closed(self, code: int, reason: str) -> None:
        if self.sender() is not self.session:
            return
        self.session = None
        if self._stopped:
            return
        if is_auth_failure(reason):
            self._set_state("failed", summarize(reason))
            return
        if self.epoch == 0:
            # Never connected: retrying the same dial would only repeat libmoq's
            # own backoff, so say why and let the user try again.
            self._set_state("failed", f"cannot reach {self.url}: {summarize(reason)}")
            return
        self._set_state("reconnecting", f"connection lost ({reason}); retrying")
        self._retry.start()

    @Slot()
    def _check_alive(self) -> None:
        # libmoq reconnects silently; a session without stats is between epochs.
        if self.session is None or self.state not in ("connected", "reconnecting"):
            return
        stats = self.stats()
        if stats is None:
            self._set_state(
                "reconnecting", f"reconnecting to {self.url} (after epoch {self.epoch})"
            )
        elif self.state == "reconnecting":
            self._on_connected(self.session.epoch)

    @Slot()
    def _close_origin(self) -> None:
        if self.origin is not None:
            self.origin.close()

    def stats(self):
        """The session's ConnectionStats, or None between epochs."""
        if self.session is None:
            return None
        return self.session.stats()

    def stop(self) -> None:
        """Close the session and listeners; the origin closes once they have."""
        self._stopped = True
        self._retry.stop()
        self._watch.stop()
        for registration in (self.session, self._announcements):
            if registration is not None:
                registration.close()
