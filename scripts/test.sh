#!/usr/bin/env bash
# Runs every Threadlab test, stopping at the first failure:
#   1. native:   cargo fmt --check, cargo clippy -D warnings, cargo doc --no-deps with
#                warnings as errors (no broken intra-doc link), cargo test (unit,
#                integration, property and golden tests, doc tests)
#   2. wasm:     the presets computed inside headless Chromium equal the native goldens
#                (wasm-bindgen-test, tests/wasm_presets.rs); a dropped worker's handlers
#                are never called (tests/wasm_workers.rs)
#   3. build:    trunk build --release (+ the native CLI the browser tests compare against)
#   4. size:     each release .wasm, raw and gzip; fails when the page's module is above 300 KiB
#                gzip or a worker's module above 150 KiB gzip (the scheduling issue's budgets)
#   5. browser:  Playwright end-to-end tests (e2e/*.test.mjs) on the built site, served with
#                COOP/COEP by e2e/server.mjs, in Debian's Chromium; screenshots in e2e/screenshots/
# First runs scripts/setup.sh, which installs whatever is missing.
#
# Environment: WASM_GZIP_BUDGET (bytes, default 307200 = 300 KiB), WORKER_GZIP_BUDGET (bytes,
# default 153600 = 150 KiB), E2E_TIMEOUT (s, default 900).
set -Eeuo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/threadlab-test.XXXXXX")"
trap 'rm -rf "$LOGDIR"' EXIT

WASM_GZIP_BUDGET="${WASM_GZIP_BUDGET:-307200}"
WORKER_GZIP_BUDGET="${WORKER_GZIP_BUDGET:-153600}"
E2E_TIMEOUT="${E2E_TIMEOUT:-900}"

TOTAL_PASSED=0
declare -a TIMES=()
SECTION=""
SECTION_START=0

section() {
    end_section
    SECTION="$1"
    SECTION_START=$SECONDS
    printf '\n==================== %s ====================\n' "$SECTION"
}
end_section() {
    if [[ -n "$SECTION" ]]; then
        TIMES+=("$(printf '%-34s %4ds' "$SECTION" $((SECONDS - SECTION_START)))")
        SECTION=""
    fi
}
on_error() {
    local code=$?
    printf '\n==================== FAILED in: %s (exit %d) ====================\n' "${SECTION:-?}" "$code"
    exit "$code"
}
trap on_error ERR

# Sums "test result: ok. N passed; M failed" lines (cargo test and wasm-bindgen-test-runner).
count_cargo() {
    local log="$1" p f
    p=$(grep -aE 'test result: ' "$log" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
    f=$(grep -aE 'test result: ' "$log" | grep -oE '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
    [[ "$f" == 0 ]] || { echo "unexpected: $f failed in $log"; return 1; }
    TOTAL_PASSED=$((TOTAL_PASSED + p))
    echo "($p passed)"
}

# ---------------------------------------------------------------------------------------------
section "setup"
# Free disk first: a full build folder takes a few GB, and a full disk fails a link far from here.
df -h "$ROOT" | tail -1 | awk '{print "disk: " $4 " free of " $2 " at " $6}'
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

# ---------------------------------------------------------------------------------------------
section "1. native: fmt, clippy, doc, cargo test"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
# Every intra-doc link resolves (`[`crate::…`]` in the docstrings).
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
cargo test 2>&1 | tee "$LOGDIR/native.log"
count_cargo "$LOGDIR/native.log"

# ---------------------------------------------------------------------------------------------
section "2. wasm: presets in headless Chromium"
# wasm-bindgen-test-runner drives Chromium through ChromeDriver; it adds headless,
# no-sandbox and disable-dev-shm-usage itself, scripts/webdriver.json adds the rest
# (--disable-gpu, no background networking) and pins /usr/bin/chromium.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/scripts/webdriver.json" \
WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 \
WASM_BINDGEN_TEST_TIMEOUT=300 \
    cargo test --target wasm32-unknown-unknown --test wasm_presets --test wasm_workers 2>&1 | tee "$LOGDIR/wasm.log"
grep -q 'test result: ok' "$LOGDIR/wasm.log" || { echo "wasm tests printed no result"; false; }
count_cargo "$LOGDIR/wasm.log"

# ---------------------------------------------------------------------------------------------
section "3. build: web clippy, trunk build --release, CLI"
cargo clippy --target wasm32-unknown-unknown --bin threadlab-web --quiet -- -D warnings
rm -rf "$ROOT/dist"
trunk build --release --dist "$ROOT/dist"
cargo build --bin threadlab
test -f "$ROOT/dist/index.html"

# ---------------------------------------------------------------------------------------------
section "4. size: release wasm"
shopt -s nullglob
wasm_files=("$ROOT"/dist/*.wasm)
shopt -u nullglob
[[ ${#wasm_files[@]} -gt 0 ]] || { echo "no .wasm in dist/"; false; }
over=0
for f in "${wasm_files[@]}"; do
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    # The page's own module (threadlab-web) against the page budget; every other module is a
    # worker's (or a mode's, loaded only when opened) against the worker budget.
    case "$(basename "$f")" in
        threadlab-web*) budget=$WASM_GZIP_BUDGET ;;
        *) budget=$WORKER_GZIP_BUDGET ;;
    esac
    printf '  %-48s raw %8d B (%4d KiB)   gzip -9 %8d B (%4d KiB)   budget %d KiB gzip\n' \
        "$(basename "$f")" "$raw" $((raw / 1024)) "$gz" $((gz / 1024)) $((budget / 1024))
    if ((gz > budget)); then
        echo "  too large: $(basename "$f") is $gz B gzip > its budget $budget B"
        over=1
    fi
done
((over == 0)) || false
echo "wasm size within budget"

# ---------------------------------------------------------------------------------------------
section "5. browser: Playwright end-to-end"
rm -rf "$ROOT/e2e/screenshots"
# timeout signals node, whose after-hooks and Playwright close the server and the browser.
THREADLAB_DIST="$ROOT/dist" THREADLAB_CLI="${CARGO_TARGET_DIR:-$ROOT/target}/debug/threadlab" \
    timeout --kill-after=30 "$E2E_TIMEOUT" \
    node --test --test-concurrency=1 --test-timeout=300000 e2e/ 2>&1 | tee "$LOGDIR/e2e.log"
e2e_pass=$(grep -aoE '^(# |ℹ )pass [0-9]+' "$LOGDIR/e2e.log" | grep -oE '[0-9]+$' | tail -1)
e2e_fail=$(grep -aoE '^(# |ℹ )fail [0-9]+' "$LOGDIR/e2e.log" | grep -oE '[0-9]+$' | tail -1)
[[ -n "$e2e_pass" && "${e2e_fail:-1}" == 0 && "$e2e_pass" -gt 0 ]] || { echo "e2e summary not found or not clean"; false; }
TOTAL_PASSED=$((TOTAL_PASSED + e2e_pass))
echo "screenshots: $(ls "$ROOT/e2e/screenshots" 2>/dev/null | wc -l) files in e2e/screenshots/"

end_section
printf '\n==================== summary ====================\n'
printf '%s\n' "${TIMES[@]}"
echo "build folder: $(du -sh "${CARGO_TARGET_DIR:-$ROOT/target}" 2>/dev/null | cut -f1)"
echo "All stages passed."
echo "$TOTAL_PASSED passed, 0 failed"
