"""What the viewer remembers between runs (QSettings): recent URLs, sound."""

from PySide6.QtCore import QSettings

MAX_RECENT = 10


class Settings:
    """A thin, typed view of QSettings("moqview", "moqview")."""

    def __init__(self, settings: QSettings | None = None):
        self._settings = settings or QSettings("moqview", "moqview")

    def recent_urls(self) -> list[str]:
        value = self._settings.value("recent_urls", [])
        if isinstance(value, str):  # QSettings returns one item as a string
            value = [value]
        return [str(url) for url in value or []]

    def remember_url(self, url: str) -> list[str]:
        """Put ``url`` first in the recent list (without repeats); returns it."""
        urls = [url] + [u for u in self.recent_urls() if u != url]
        urls = urls[:MAX_RECENT]
        self._settings.setValue("recent_urls", urls)
        return urls

    def volume(self) -> float:
        return float(self._settings.value("volume", 1.0))

    def set_volume(self, volume: float) -> None:
        self._settings.setValue("volume", volume)

    def muted(self) -> bool:
        return str(self._settings.value("muted", "false")).lower() == "true"

    def set_muted(self, muted: bool) -> None:
        self._settings.setValue("muted", muted)

    def sync(self) -> None:
        self._settings.sync()
