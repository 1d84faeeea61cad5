"""libmoq's negative return codes as Python exceptions and readable reasons."""

from ._libmoq import ffi, lib

# Every MOQ_ERROR_* constant of the generated header, by code. The scope enum
# shares the prefix but its values are positive, so the sign tells them apart.
ERROR_NAMES: dict[int, str] = {
    getattr(lib, name): name.removeprefix("MOQ_ERROR_").lower()
    for name in dir(lib)
    if name.startswith("MOQ_ERROR_")
    and isinstance(getattr(lib, name), int)
    and getattr(lib, name) < 0
}


# The same table the other way round: ERROR_CODES["unauthorized"] is its code.
ERROR_CODES: dict[str, int] = {name: code for code, name in ERROR_NAMES.items()}


def error_name(code: int) -> str:
    """The symbolic name of a libmoq error code, such as ``unauthorized``."""
    return ERROR_NAMES.get(code, f"error {code}")


def last_error() -> str:
    """libmoq's text for the most recent failure on the calling thread.

    Valid only straight after a call returned a negative code (or inside a
    callback that received one), and only on that same thread.
    """
    text = lib.moq_error()
    if text == ffi.NULL:
        return ""
    return ffi.string(text).decode("utf-8", "replace")


def reason(code: int) -> str:
    """A terminal code as words: ``closed`` for 0, else the name and libmoq's text.

    Read on libmoq's thread inside the callback that carried the code, where
    libmoq has recorded the matching text.
    """
    if code == 0:
        return "closed"
    text = last_error()
    return f"{error_name(code)}: {text}" if text else error_name(code)


class MoqError(Exception):
    """A libmoq call that returned a negative code.

    ``code`` is the number, ``name`` its symbolic name and ``message`` the text
    ``moq_error()`` gave on the calling thread right after the call.
    """

    def __init__(self, call: str, code: int, message: str):
        self.call = call
        self.code = code
        self.name = error_name(code)
        self.message = message
        super().__init__(f"{call} failed: {self.name} ({code}): {message}")


def check(call: str, code: int) -> int:
    """Return ``code`` when it is not negative; raise MoqError otherwise."""
    if code < 0:
        raise MoqError(call, code, last_error())
    return code
