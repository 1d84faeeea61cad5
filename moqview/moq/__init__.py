"""moqview's binding of libmoq: one QObject per libmoq callback registration.

Start with ``registration.py``, which states the callback lifetime contract and
how it maps onto Qt; every other module is one wrapper built on it.
"""

from . import errors
from .broadcast import Broadcast, BroadcastRequest, BroadcastWait
from .catalog import AudioRendition, Catalog, CatalogSnapshot, VideoRendition
from .config import ClientConfig, supported_versions
from .decoded import DecodedAudio, DecodedVideo
from .demand import Demand
from .errors import MoqError
from .log import level_for, set_log_level
from .origin import Announcement, AnnouncementModel, Announcements, Origin
from .publish import PublishedBroadcast
from .registration import Registration, close_all, live
from .requests import BroadcastRequests, GroupRequests, TrackRequests
from .server import Server, ServerSession, SessionRequest
from .session import ConnectionStats, Session, check_url
from .track import AudioTrack, Datagrams, Frame, JsonTrack, RawTrack, VideoTrack

__all__ = [
    "Announcement",
    "AnnouncementModel",
    "Announcements",
    "AudioRendition",
    "AudioTrack",
    "Broadcast",
    "BroadcastRequest",
    "BroadcastWait",
    "Catalog",
    "CatalogSnapshot",
    "ClientConfig",
    "ConnectionStats",
    "Datagrams",
    "Demand",
    "BroadcastRequests",
    "GroupRequests",
    "TrackRequests",
    "Server",
    "ServerSession",
    "SessionRequest",
    "DecodedAudio",
    "DecodedVideo",
    "Frame",
    "JsonTrack",
    "MoqError",
    "Origin",
    "PublishedBroadcast",
    "RawTrack",
    "Registration",
    "Session",
    "VideoRendition",
    "VideoTrack",
    "check_url",
    "errors",
    "close_all",
    "live",
    "set_log_level",
    "level_for",
    "supported_versions",
]
