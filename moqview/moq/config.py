"""Client configuration for sessions: moq_client_config, and libmoq's defaults."""

from dataclasses import dataclass, fields

from . import errors
from ._libmoq import ffi, lib

_MICROS = 1_000_000

# Python field -> (C field, its has_* flag or None, scale into the C unit).
_SCALARS = {
    "connect_timeout": ("connect_timeout_us", "has_connect_timeout", _MICROS),
    "websocket_enabled": ("websocket_enabled", "has_websocket_enabled", None),
    "websocket_delay": ("websocket_delay_us", "has_websocket_delay", _MICROS),
    "tls_disable_verify": ("tls_disable_verify", None, None),
    "tls_system_roots": ("tls_system_roots", "has_tls_system_roots", None),
    "backoff_initial": ("backoff_initial_us", "has_backoff_initial", _MICROS),
    "backoff_multiplier": ("backoff_multiplier", "has_backoff_multiplier", None),
    "backoff_max": ("backoff_max_us", "has_backoff_max", _MICROS),
    "backoff_timeout": ("backoff_timeout_us", "has_backoff_timeout", _MICROS),
    "quic_idle_timeout": ("quic_idle_timeout_us", "has_quic_idle_timeout", _MICROS),
    "quic_keep_alive": ("quic_keep_alive_us", "has_quic_keep_alive", _MICROS),
}
_STRING_LISTS = {
    "versions": "versions",
    "tls_roots": "tls_roots",
    "tls_fingerprints": "tls_fingerprints",
}


@dataclass(frozen=True)
class ClientConfig:
    """Settings for Session. ``None`` leaves a knob at libmoq's default.

    Durations are in seconds. ``versions`` are protocol names as libmoq spells
    them (see supported_versions()); ``tls_fingerprints`` are hex SHA-256
    certificate fingerprints to pin.
    """

    versions: tuple[str, ...] = ()
    tls_fingerprints: tuple[str, ...] = ()
    tls_roots: tuple[str, ...] = ()
    tls_disable_verify: bool = False
    tls_system_roots: bool | None = None
    connect_timeout: float | None = None
    websocket_enabled: bool | None = None
    websocket_delay: float | None = None
    backoff_initial: float | None = None
    backoff_multiplier: int | None = None
    backoff_max: float | None = None
    backoff_timeout: float | None = None
    quic_idle_timeout: float | None = None
    quic_keep_alive: float | None = None

    @classmethod
    def defaults(cls) -> "ClientConfig":
        """What libmoq dials with when nothing is set (moq_client_defaults)."""
        c_config = lib.moq_client_defaults()
        values = {}
        for name, (c_name, flag, scale) in _SCALARS.items():
            if flag is not None and not getattr(c_config, flag):
                continue
            value = getattr(c_config, c_name)
            values[name] = value / scale if scale else value
        return cls(**values)

    def to_c(self):
        """The C struct, plus the buffers it points into; keep both for the call."""
        c_config = ffi.new("moq_client_config *")
        keep = []
        for name, (c_name, flag, scale) in _SCALARS.items():
            value = getattr(self, name)
            if value is None or (flag is None and not value):
                continue
            setattr(c_config, c_name, round(value * scale) if scale else value)
            if flag is not None:
                setattr(c_config, flag, True)
        for name, c_name in _STRING_LISTS.items():
            values = getattr(self, name)
            if values:
                array, buffers = string_array(values)
                keep += [array, *buffers]
                setattr(c_config, c_name, array)
                setattr(c_config, c_name + "_len", len(values))
        return c_config, keep

    def changed(self) -> dict:
        """The fields set to something other than their default here."""
        blank = ClientConfig()
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(blank, f.name)
        }


def string_array(values) -> tuple:
    """A moq_string[] for ``values`` and the byte buffers it points into."""
    array = ffi.new("moq_string[]", len(values))
    buffers = []
    for slot, value in zip(array, values, strict=True):
        data = ffi.new("char[]", value.encode())
        buffers.append(data)
        slot.data = data
        slot.len = len(value.encode())
    return array, buffers


def supported_versions() -> list[str]:
    """The protocol versions this libmoq build can offer, most preferred first."""
    dst = ffi.new("moq_string[]", 32)
    count = errors.check("moq_versions", lib.moq_versions(dst, len(dst)))
    return [ffi.unpack(dst[i].data, dst[i].len).decode() for i in range(count)]
