#!/usr/bin/env bash
# Builds and runs measure/pipe.c (the cost of a message through a pipe between two processes:
# one hop of an 8-byte message, and bytes copied per microsecond) and writes
# measure/pipe-results.json with the machine it ran on. Threadlab's channel costs cite that file.
# Needs gcc (on the machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -o "$out/pipe" pipe.c
result="$("$out/pipe" "${1:-20000}" "${2:-256}")"
{
    echo "{"
    echo "  \"measured\": \"$(date -u +%Y-%m-%dT%H:%MZ)\","
    echo "  \"machine\": \"$(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"load_average\": \"$(cut -d" " -f1-3 /proc/loadavg)\","
    echo "  \"libc\": \"$(ldd --version | head -1)\","
    echo "  \"results\": $(echo "$result" | sed '2,$s/^/  /')"
    echo "}"
} | tee pipe-results.json
