#!/usr/bin/env bash
# Chooses the TorchSharp backend package everywhere it is named: the library's project file and the first cell
# of every notebook. Usage: scripts/select-backend.sh cpu|cuda
#   cpu  -> TorchSharp-cpu 0.107.0        (the default; what CI and the tests use)
#   cuda -> TorchSharp-cuda-linux 0.107.0 (NVIDIA GPU on Linux; about 2.5 GB of native libraries; not verified here)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  cpu)  from="TorchSharp-cuda-linux"; to="TorchSharp-cpu" ;;
  cuda) from="TorchSharp-cpu";        to="TorchSharp-cuda-linux" ;;
  *) echo "usage: $0 cpu|cuda" >&2; exit 64 ;;
esac
sed -i "s/<PackageReference Include=\"$from\" \/>/<PackageReference Include=\"$to\" \/>/" lib/Tutorials.Lib.csproj
for nb in notebooks/*.ipynb; do
  sed -i "s/#r \\\\\"nuget: $from, /#r \\\\\"nuget: $to, /" "$nb"
done
echo "Backend set to $to. Rebuild with: dotnet build Tutorials.sln (and restart notebook kernels)."
