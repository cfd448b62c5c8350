#!/usr/bin/env bash
# Builds and runs measure/creation.c (thread creation vs fork vs spawn, and their memory) and
# writes measure/creation-results.json with the machine it ran on. Threadlab's defaults for
# thread and process creation cite that file. Needs gcc (on the machine) and Linux's /proc.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -o "$out/creation" creation.c -lpthread
result="$("$out/creation" "${1:-2000}" "${2:-32}")"
{
    echo "{"
    echo "  \"measured\": \"$(date -u +%Y-%m-%dT%H:%MZ)\","
    echo "  \"machine\": \"$(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"libc\": \"$(ldd --version | head -1)\","
    echo "  \"results\": $(echo "$result" | sed '2,$s/^/  /')"
    echo "}"
} | tee creation-results.json
