# Where moqview keeps what it builds and installs, outside the repository.
MOQVIEW_CACHE="${MOQVIEW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/moqview}"
export MOQVIEW_CACHE
export CARGO_TARGET_DIR="$MOQVIEW_CACHE/target"
MOQVIEW_VENV="$MOQVIEW_CACHE/venv"
MOQVIEW_TOOLS="$MOQVIEW_CACHE/tools"
