#!/usr/bin/env bash
# bench/instructions.sh BUILD_DIR WORKLOAD... - fuel overhead in executed
# instructions (callgrind), for bench/run.sh after it built the no-fuel
# guests.
#
# CPU time on a shared VM moves by +-3% between runs, as much as a change
# to the charges gains or loses; the number of instructions a run executes
# does not move at all. Each workload runs in bench/instructions.c (in
# process, unsealed) once with the shipped guests and once with the no-fuel
# ones; the ratio is what the charges add. It is not a time ratio (a `sub`
# costs less than an average instruction): on this VM the time overhead is
# about 0.6-0.7 of it. For the *_csv workloads it also splits the extra
# instructions by kind (bench/instructions.py). Needs valgrind; prints a
# note and succeeds without it.
set -euo pipefail

BUILD=$(realpath "$1")
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$BUILD/bench"
W="$ROOT/bench/workloads"

command -v valgrind >/dev/null || { echo "  (valgrind not installed: apt-get install valgrind)"; exit 0; }
[ -d "$BUILD/guests-nofuel" ] || { echo "  (skipped: no no-fuel guests in $BUILD/guests-nofuel)"; exit 0; }

# link NAME GUESTS_DIR GLUE_DIR: the runner with one build's two guests,
# the library and the system libraries the Makefile links the host with.
link() {
  local H host libs=() word
  read -r -a H <"$BUILD/host-cflags"
  read -r -a host <"$BUILD/host-link"
  for word in "${host[@]}"; do [ "${word#-l}" = "$word" ] || libs+=("$word"); done
  (cd "$ROOT" && gcc "${H[@]}" -Wl,--wrap=syscall bench/instructions.c \
    "$2/python/guest.o" "$3/glue_python.o" "$2/quickjs/guest.o" "$3/glue_quickjs.o" \
    "$BUILD/libllmsandbox.a" "${libs[@]}" -o "$OUT/instructions-$1")
}
link fuel "$BUILD/guests" "$BUILD/obj"
link nofuel "$BUILD/guests-nofuel" "$OUT/nofuel"

# count NAME ASSETS WORKLOAD [CALLGRIND_FLAGS...]: instructions executed by
# the runner NAME on WORKLOAD (its callgrind file: $tmp/NAME.WORKLOAD).
count() {
  local name=$1 assets=$2 w=$3 guest=quickjs stdlib=-
  shift 3
  [ "${w#py_}" != "$w" ] && guest=python stdlib="$BUILD/assets/python-stdlib"
  valgrind --tool=callgrind "$@" --callgrind-out-file="$tmp/$name.$w" "$OUT/instructions-$name" \
    $guest "$assets/$guest.snap" "$BUILD/assets/root" "$stdlib" "$W/$w".* 2>"$tmp/log" ||
    { echo "  ($name $w failed: $(grep -v '^==' "$tmp/log" | tail -1))" >&2; return 1; }
  sed -n 's/^summary: //p' "$tmp/$name.$w"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for w in "$@"; do
  flags=()
  [ "${w%_csv}" != "$w" ] && flags=(--dump-instr=yes)
  with=$(count fuel "$BUILD/assets" "$w" "${flags[@]}") || continue
  without=$(count nofuel "$OUT/nofuel/assets" "$w") || continue
  awk -v w="$w" -v a="$with" -v b="$without" \
    'BEGIN { printf "  %-11s %14.0f instructions with charges, %14.0f without: x%.3f\n", w, a, b, a / b }'
  [ ${#flags[@]} -eq 0 ] || python3 "$ROOT/bench/instructions.py" "$tmp/fuel.$w" "$OUT/instructions-fuel" "$without"
done
