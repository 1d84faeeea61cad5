"""Hooks cffi's extension build into the package build."""

from setuptools import setup

setup(cffi_modules=["build_ffi.py:ffibuilder"])
