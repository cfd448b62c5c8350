# Sourced by the measurement scripts here. `record NAME GCC_ARGS -- PROGRAM_ARGS…` builds NAME.c
# (with GCC_ARGS, e.g. -lpthread), runs it with PROGRAM_ARGS (its JSON on stdout) and writes
# NAME-results.json: when, on which machine and libc, at which load, and the program's results.
record() {
    local name="$1" result
    shift
    local gcc_args=()
    while [[ "$1" != "--" ]]; do gcc_args+=("$1"); shift; done
    shift
    record_tmp="$(mktemp -d)"
    trap 'rm -rf "$record_tmp"' EXIT
    gcc -O2 -Wall -o "$record_tmp/$name" "$name.c" "${gcc_args[@]}"
    result="$("$record_tmp/$name" "$@")"
    {
        echo "{"
        echo "  \"measured\": \"$(date -u +%Y-%m-%dT%H:%MZ)\","
        echo "  \"machine\": \"$(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\","
        echo "  \"load_average\": \"$(cut -d" " -f1-3 /proc/loadavg)\","
        echo "  \"libc\": \"$(ldd --version | head -1)\","
        echo "  \"results\": $(echo "$result" | sed '2,$s/^/  /')"
        echo "}"
    } | tee "$name-results.json"
}
