#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine: Xvfb + Mesa (OpenGL without a GPU), the xcb
# libraries Qt needs, and a virtualenv with rnnviz and its test extra. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES=(xvfb xauth libgl1-mesa-dri libegl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# torch first, pinned: the local CPU build (an unpinned torch pulls a multi-GB CUDA build).
.venv/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
