"""Playback below the window: PyAV decoding, clocks, A/V sync and the audio feed.

Nothing here imports a widget or QtMultimedia; the UI hands in what it needs
(a way to build a video frame, an audio device) and shows what comes out.
"""
