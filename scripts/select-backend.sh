#!/usr/bin/env bash
# Chooses the TorchSharp backend everywhere it is named: the library's project file (<TorchSharpBackend>) and the
# first cell of every notebook. Usage: scripts/select-backend.sh cpu|cuda
#   cpu  -> TorchSharp 0.107.0 + libtorch-cpu-<this machine's rid> 2.10.0 (the default; what CI and the tests use).
#           Notebooks reference the managed TorchSharp only; Kit.Setup() loads the libtorch the library build restored.
#   cuda -> TorchSharp-cuda-linux 0.107.0 (NVIDIA GPU on Linux; about 2.5 GB of native libraries; not verified here)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  cpu)  from_backend=cuda; to_backend=cpu;  from="TorchSharp-cuda-linux"; to="TorchSharp" ;;
  cuda) from_backend=cpu;  to_backend=cuda; from="TorchSharp";            to="TorchSharp-cuda-linux" ;;
  *) echo "usage: $0 cpu|cuda" >&2; exit 64 ;;
esac
sed -i "s|<TorchSharpBackend>$from_backend</TorchSharpBackend>|<TorchSharpBackend>$to_backend</TorchSharpBackend>|" lib/Tutorials.Lib.csproj
for nb in notebooks/*.ipynb; do
  # The version follows right after the comma, so "TorchSharp, " never matches "TorchSharp.PyBridge, ".
  sed -i "s/#r \\\\\"nuget: $from, /#r \\\\\"nuget: $to, /" "$nb"
done
echo "Backend set to $to_backend ($to). Rebuild with: dotnet build Tutorials.sln (and restart notebook kernels)."
