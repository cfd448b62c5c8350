#!/usr/bin/env bash
# Compares `threadlab ostep x86` with OSTEP's own x86.py, line for line, on Threadlab's own
# programs (tests/fixtures/x86/*.s) under many flags. Not part of CI: it needs python3 and a
# checkout of remzi-arpacidusseau/ostep-homework.
#
#   bash scripts/x86-compare.sh PATH/TO/ostep-homework [THREADLAB_BINARY]
#
# Prints SAME or DIFF per run (with the first differing lines) and exits 1 if any differs.
set -u
home=${1:?give the path of an ostep-homework checkout}
bin=${2:-${CARGO_TARGET_DIR:-target}/debug/threadlab}
[ -f "$home/threads-locks/x86.py" ] && [ -f "$home/threads-intro/x86.py" ] || { echo "no threads-intro/x86.py and threads-locks/x86.py under $home"; exit 2; }
fix=$(cd "$(dirname "$0")/../tests/fixtures/x86" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() { # VERSION FLAGS...
    local version=$1; shift
    (cd "$fix" && python3 "$home/threads-$version/x86.py" "$@") >"$tmp/ref" 2>&1
    (cd "$fix" && "$bin" ostep "threads-$version/x86.py" "$@") >"$tmp/ours" 2>&1
    if cmp -s "$tmp/ref" "$tmp/ours"; then
        echo "SAME  $version $*"
    else
        echo "DIFF  $version $*"
        diff "$tmp/ref" "$tmp/ours" | head -8
        fail=1
    fi
}
for v in intro locks; do
    run $v -p counter.s -t 2 -a bx=3 -i 3 -M 2000 -R ax,bx -c
    run $v -p counter.s -t 3 -a bx=4 -i 5 -r -s 2 -M 2000 -R ax,bx -c
    run $v -p counter.s -t 2 -a bx=2,bx=5 -i 1 -M 2000 -R bx -C -c
    run $v -p counter.s -t 2 -a bx=2 -i 4 -M 2000 -R ax,bx
    run $v -p stack.s -t 1 -R ax,bx,sp -M 127996,127992 -c
    run $v -p stack.s -t 2 -i 2 -R ax,bx,sp -c
    run $v -p waitflag.s -t 2 -a ax=1,ax=0 -M ready -R ax,cx -i 4 -c
    run $v -p waitflag.s -t 3 -a ax=0,ax=0,ax=1 -M ready -R cx -i 5 -r -s 9 -c
    run $v -p xchg-lock.s -t 2 -a bx=2 -M lock,total -R ax,bx -i 3 -c
    run $v -p xchg-lock.s -t 3 -a bx=2 -M lock,total -R ax,cx -i 2 -r -s 5 -C -c
done
run locks -p ticket.s -t 2 -a bx=2 -M next,serving,total -R ax,cx -i 4 -c
run locks -p ticket.s -t 3 -a bx=1 -M total -R ax -i 3 -r -s 1 -c
run locks -p array.s -t 3 -a ax=0,ax=1,ax=2 -M 100,104,108 -R bx,dx -i 2 -c
run locks -p counter.s -t 2 -a bx=2 -P 0011 -M 2000 -R ax,bx -c
run locks -p counter.s -t 3 -a bx=1 -P 0120 -M 2000 -R ax -c
run locks -p xchg-lock.s -t 2 -a bx=1 -P 01 -M lock,total -R ax -c
run locks -p xchg-lock.s -t 2 -a bx=2 -P 0011 -M lock,total -R ax -c
run locks -p xchg-lock.s -t 3 -a bx=2 -P 00120 -M lock,total -R ax,bx -c
run locks -p counter.s -t 2 -a bx=3 -i 2 -H 5 -M 2000 -R ax,bx -c
exit $fail
