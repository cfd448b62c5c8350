#!/usr/bin/env bash
# Builds and runs measure/cow.c (the time of a write that copies a copy-on-write page after
# fork, against a write to a private page) and writes measure/cow-results.json with the machine
# it ran on. Threadlab's default `machine.cow_copy_ticks` cites that file. Needs gcc and Linux.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -o "$out/cow" cow.c
result="$("$out/cow" "${1:-4096}" "${2:-20}")"
{
    echo "{"
    echo "  \"measured\": \"$(date -u +%Y-%m-%dT%H:%MZ)\","
    echo "  \"machine\": \"$(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
    echo "  \"libc\": \"$(ldd --version | head -1)\","
    echo "  \"results\": $(echo "$result" | sed '2,$s/^/  /')"
    echo "}"
} | tee cow-results.json
