#!/usr/bin/env bash
# make fuzz: runs every fuzz target of the project for FUZZTIME each (20s by
# default), one after the other, and prints one line per target: executions
# and the new interesting inputs the fuzzer found. New inputs are copied from
# Go's fuzz cache into the package's testdata/fuzz/<Target>/, so that plain
# `go test` (and so `make test`) replays them from then on; commit them. A
# failing input is written there by Go itself, and the run fails.
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-20s}
cache=$(go env GOCACHE)/fuzz
status=0
printf '%-45s %-22s %12s %8s %8s\n' package target execs "new" kept
for pkg in $(go list ./...); do
  targets=$(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
  [ -n "$targets" ] || continue
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for t in $targets; do
    out=$(go test -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" "$pkg" 2>&1)
    rc=$?
    last=$(grep -E 'execs: [0-9]+' <<<"$out" | tail -n 1)
    execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
    found=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
    kept=0
    if [ -d "$cache/$pkg/$t" ]; then
      mkdir -p "$dir/testdata/fuzz/$t"
      for f in "$cache/$pkg/$t"/*; do
        [ -e "$dir/testdata/fuzz/$t/$(basename "$f")" ] && continue
        cp "$f" "$dir/testdata/fuzz/$t/" && kept=$((kept + 1))
      done
    fi
    printf '%-45s %-22s %12s %8s %8s\n' "${pkg#jiraauthlab/}" "$t" "${execs:-?}" "${found:-0}" "$kept"
    if [ $rc -ne 0 ]; then
      status=1
      echo "$out" | tail -n 30
    fi
  done
done
exit $status
