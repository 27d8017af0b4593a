# tests/attack/proc_lib.sh - process helpers shared by the attack files that
# watch the processes below a command of ours (proc.sh, landlock.sh,
# pids.sh). Source it after tests/e2e/lib.sh (which sets $T).

# desc PID: every descendant of PID, one per line, parents first
desc() { local c; for c in $(pgrep -P "$1"); do echo "$c"; desc "$c"; done; }

# alive PIDS...: those of PIDS still running (zombies are dead)
alive() {
  local p s
  for p in "$@"; do
    s=$(ps -o stat= -p "$p" 2>/dev/null) || continue
    case $s in Z*) ;; *) echo "$p" ;; esac
  done
}

# wait_busy PID N: wait (up to 15 s) until PID has N descendants and one of
# them uses the CPU; sets D to the descendants
wait_busy() {
  local i
  for i in $(seq 150); do
    D=$(desc "$1" | xargs)
    if [ "$(wc -w <<<"$D")" -ge "$2" ] && ps -o stat= -p "${D// /,}" 2>/dev/null | grep -q R; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# field PID NAME: the value of NAME in /proc/PID/status
field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }

# mcp_reply ID: wait (up to 30 s) for the reply to ID in the stdio
# server's output $T/out; sets J to it
mcp_reply() {
  local i
  for i in $(seq 300); do
    J=$(jq -c "select(.id == $1)" "$T/out" 2>/dev/null)
    [ -n "$J" ] && return 0
    sleep 0.1
  done
  return 1
}
