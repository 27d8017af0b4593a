#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD SECONDS [NAME...] - run every libFuzzer harness
# in BUILD/fuzz (or only those NAMEd, e.g. "proto wasi_calls"): first replay its committed seed corpus
# (tests/fuzz/corpus/NAME/, each file once), then fuzz it for SECONDS more
# from that corpus, writing new inputs to a scratch folder only (the
# committed corpus never changes by itself). Prints one line per harness
# with executions, executions per second and coverage (-print_final_stats),
# and ends with "fuzz: N passed, M failed" (N = harnesses with no crash,
# leak, timeout or failed property; a unit is timed out after 60 s, not
# less: on a loaded machine a niced fuzzer's unit can wait seconds for the
# CPU inside the allocator, which is no hang). A crash leaves its input in
# BUILD/fuzz/crashes/NAME-crash-*; replay it with BUILD/fuzz/fuzz_NAME FILE.
set -uo pipefail
build=${1:?usage: run.sh BUILD SECONDS}
secs=${2:?usage: run.sh BUILD SECONDS [NAME...]}
shift 2
only=" $* "
cd "$(dirname "$0")/../.."
pass=0 fail=0
mkdir -p "$build/fuzz/crashes"
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=${bin##*/fuzz_}
  [ "$only" = "  " ] || [[ $only == *" $name "* ]] || continue
  corpus=tests/fuzz/corpus/$name
  work=$(mktemp -d)
  log=$(mktemp)
  ok=1
  mkdir -p "$corpus"
  mapfile -t seeds < <(find "$corpus" -type f | sort)
  if [ "${#seeds[@]}" -gt 0 ] && ! "$bin" -timeout=60 "${seeds[@]}" >"$log" 2>&1; then
    ok=0; echo "fuzz_$name: a corpus file fails on replay"; tail -30 "$log"
  fi
  if [ "$ok" = 1 ] && ! "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=60 \
      -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$build/fuzz/crashes/$name-" \
      "$work" "$corpus" >"$log" 2>&1; then
    ok=0; echo "fuzz_$name: fuzzing found a failure"; grep -A30 -m1 'ERROR\|property failed\|==ERROR' "$log" | head -40
  fi
  if [ "$ok" = 1 ]; then
    execs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | grep -oE '[0-9]+$')
    rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | grep -oE '[0-9]+$')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    echo "fuzz_$name: ok (${#seeds[@]} seeds, ${execs:-0} execs, ${rate:-0}/s, ${cov:-no coverage line})"
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
  fi
  rm -rf "$work" "$log"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
