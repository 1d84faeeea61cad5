# Pinned releases of the native parts moqview builds on. One release train of
# the upstream moq project: libmoq, the relay and the `moq` publisher speak the
# same protocol versions.
LIBMOQ_VERSION=0.6.18
MOQ_RELAY_VERSION=0.17.8
MOQ_CLI_VERSION=0.14.8
PYTHON_MINOR=3.13
