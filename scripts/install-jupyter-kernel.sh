#!/usr/bin/env bash
# Registers the .NET (C#) kernel (dotnet-interactive, pinned in .config/dotnet-tools.json) with Jupyter.
# Why the mkdir: dotnet-interactive 1.0.712001 refuses to install ("The kernelspec path …/jupyter/kernels does not
# exist") on a fresh HOME, where nothing has created Jupyter's user kernel folder yet. Verified on Debian 12 with an
# empty HOME: without the folder the install exits 3, with it every kernel installs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${JUPYTER_DATA_DIR:-}" ]; then data="$JUPYTER_DATA_DIR"
elif [ "$(uname -s)" = "Darwin" ]; then data="$HOME/Library/Jupyter"
else data="${XDG_DATA_HOME:-$HOME/.local/share}/jupyter"
fi
mkdir -p "$data/kernels"
dotnet tool restore
dotnet tool run dotnet-interactive jupyter install
