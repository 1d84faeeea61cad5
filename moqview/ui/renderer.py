"""Which picture path the view takes: the GPU's, or the CPU's where OpenGL is a
software rasterizer (llvmpipe and the like) or Qt has no window system.

``gpu``: QVideoWidget draws YUV frames and converts them to RGB in a shader.
``cpu``: the decoder worker converts and scales each picture with FFmpeg to the
view's pixel size, and the view copies the result to the screen. Drawing a
video texture through a software rasterizer costs several times more CPU than
FFmpeg's conversion, so machines without a GPU take the CPU path. The
environment variable MOQVIEW_RENDERER (or ``moqview --renderer``) set to
``gpu`` or ``cpu`` overrides the choice; ``auto`` (the default) probes.
"""

import functools
import logging
import os

from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

log = logging.getLogger(__name__)

ENVIRONMENT = "MOQVIEW_RENDERER"
CHOICES = ("auto", "gpu", "cpu")

# Platforms that draw into memory: nothing there would run a shader on a GPU.
_MEMORY_PLATFORMS = {"offscreen", "minimal", "vnc", "linuxfb"}
# Substrings of GL_RENDERER naming a rasterizer that runs on the CPU.
_SOFTWARE_RENDERERS = (
    "llvmpipe",
    "softpipe",
    "swrast",
    "software",
    "lavapipe",
    "gdi generic",
    "basic render",
)
_GL_RENDERER = 0x1F01


def choose(requested: str | None = None) -> str:
    """``"gpu"`` or ``"cpu"``: ``requested``, else $MOQVIEW_RENDERER, else a probe.

    Needs a QGuiApplication. The probe runs once per process.
    """
    wanted = (requested or os.environ.get(ENVIRONMENT) or "auto").strip().lower()
    if wanted in ("gpu", "cpu"):
        log.info("picture path %s, as asked", wanted)
        return wanted
    if wanted != "auto":
        log.warning("unknown renderer %r (expected one of %s)", wanted, CHOICES)
    return _probe()


@functools.cache
def _probe() -> str:
    platform = QGuiApplication.platformName()
    if platform in _MEMORY_PLATFORMS:
        log.info("picture path cpu: Qt platform %s has no GPU", platform)
        return "cpu"

    name = opengl_renderer()
    if name is None:
        log.info("picture path cpu: no OpenGL context on platform %s", platform)
        return "cpu"
    if any(word in name.lower() for word in _SOFTWARE_RENDERERS):
        log.info("picture path cpu: OpenGL renders in software (%s)", name)
        return "cpu"
    log.info("picture path gpu: OpenGL renderer %s", name)
    return "gpu"


def opengl_renderer() -> str | None:
    """GL_RENDERER of a throwaway OpenGL context; None when none can be made."""
    context = QOpenGLContext()
    if not context.create():
        return None
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        # Calling into OpenGL without a current context crashes: check first.
        if not surface.isValid() or not context.makeCurrent(surface):
            return None
        name = context.functions().glGetString(_GL_RENDERER)
        context.doneCurrent()
        return str(name) if name else None
    finally:
        surface.destroy()
