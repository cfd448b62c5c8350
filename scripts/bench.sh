#!/usr/bin/env bash
# Model speed natively and in WebAssembly, side by side, in one run:
#   1. builds benches/events_per_second.rs natively and for wasm32-wasip1 (bench profile);
#   2. runs the native build, then the wasm build under Node's WASI (benches/wasi-run.mjs;
#      V8, the engine of Chromium), on the same scenarios;
#   3. prints each scenario's rate (million events per second) both ways and their ratio.
# Targets (scheduling issue): ≥ 20 M events/s natively with metrics only; wasm ≥ 0.8 × native.
# Arguments are passed to the benchmark (e.g. `metrics`, or a scenario FILE.json).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh >/dev/null
if ! rustup target list --installed | grep -qx wasm32-wasip1; then
    rustup target add wasm32-wasip1
fi

# The path of the benchmark executable cargo builds for a target (native when empty).
bench_exe() {
    cargo bench --bench events_per_second --no-run --message-format=json ${1:+--target "$1"} 2>/dev/null |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){if(!l)continue;const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.target.name==="events_per_second"&&m.executable){console.log(m.executable)}}})'
}
echo "building the benchmark (native and wasm32-wasip1)..."
native="$(bench_exe "")"
wasm="$(bench_exe wasm32-wasip1)"
[[ -n "$native" && -n "$wasm" ]] || { echo "benchmark build failed"; exit 1; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Wall-clock rates swing with the machine's load: say what it was around the runs.
load() { echo "load average $1: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"; }
echo; load "before the runs"
echo; echo "== native =="
"$native" "$@" | tee "$out/native"
echo; echo "== wasm (wasm32-wasip1 under node $(node --version) WASI) =="
node benches/wasi-run.mjs "$wasm" "$@" 2> >(grep -v ExperimentalWarning >&2) | tee "$out/wasm"

echo; load "after the runs"
echo; echo "== side by side (M events/s) =="
printf '%-32s %10s %10s %8s\n' scenario native wasm ratio
join <(grep '^rate ' "$out/native" | cut -d' ' -f2,3 | sort) <(grep '^rate ' "$out/wasm" | cut -d' ' -f2,3 | sort) |
    awk '{printf "%-32s %10.2f %10.2f %8.2f\n", $1, $2, $3, $3 / $2}'
