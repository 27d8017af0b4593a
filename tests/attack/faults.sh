#!/usr/bin/env bash
# tests/attack/faults.sh - fault injection through the binary (issue 14):
# a full disk under sessions and one-shot runs, and damaged session records
# through the CLI and the MCP server's expiry. Usage: faults.sh BIN.
#
# Each case says what it proves ("Proves:"). The full disk is a 16 MiB
# tmpfs mounted for the test (CI runs as root); where mount is refused the
# disk cases are skipped, said so, and the record cases still run. The unit
# side (short reads and writes, EINTR, ENOSPC/EIO on each step of a record
# write) is tests/unit/test_io_faults.c; the C API side of damaged records
# and of a storage adapter that fails on command is tests/e2e/session_test.c.
# shellcheck shell=bash
BIN=$(realpath "${1:?usage: faults.sh BIN}")
source "$(dirname "$0")/../e2e/lib.sh"

DISK="$T/disk"
mkdir -p "$DISK"
trap 'umount "$DISK" 2>/dev/null; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
R="$T/sessions"
S() { "$BIN" session "$@" --sessions-root "$R"; }
# sx ARGS...: `session ARGS` -> OUT, ERR, RC
sx() {
  OUT=$(S "$@" 2>"$T/stderr"); RC=$?
  ERR=$(cat "$T/stderr")
}
WORD='café ☕ 日本'
# fill: take every free byte of the tmpfs with a host file
fill() { dd if=/dev/zero of="$DISK/filler" bs=1M count=64 2>/dev/null; }
free_kib() { df -k --output=avail "$DISK" | tail -1 | tr -d ' '; }

# --- a full disk -----------------------------------------------------------
if mount -t tmpfs -o size=16m tmpfs "$DISK" 2>/dev/null; then
  R="$DISK/sessions"
  sx create --id plein --custom-id --auto-persist
  sx exec plein -c "x = '$WORD'; print(x)"
  cp "$R/plein/session.json" "$T/record.before"
  cp "$R/plein/workspace/.lsb/state.json" "$T/state.before"
  # Proves: a run that fills the disk fails as a run (exit 1, the guest's
  # own OSError naming ENOSPC), not as a crash or a hang of the host.
  sx exec plein -c "open('/app/big', 'wb').write(b'x' * (64 << 20))"
  expect_eq "a run that fills the disk fails cleanly" "$RC|$(free_kib)" "1|0"
  expect_match "the guest sees ENOSPC" "$ERR" "OSError: \[Errno [0-9]+\] No space left on device"
  # Proves: the record that could not be updated is the one from before
  # the run, whole, and no temporary file of the failed write is left.
  expect_eq "the session record from before the run is intact" \
    "$(cmp -s "$R/plein/session.json" "$T/record.before" && echo same)|$(ls -A "$R/plein")" \
    "same|$(printf '%s\n' .workspace.lock session.json workspace)"
  expect_match "the failed record write is a warning, not silence" "$ERR" "warning: cannot write .*session.json: No space left"
  # Proves: the session stays usable on the full disk: its state from
  # before the run comes back; saving the new state fails with a warning
  # and leaves the old state file whole (the guest writes temp + rename).
  sx exec plein -c "y = 2; print(x)"
  expect_eq "the session still runs on a full disk, with its state" "$RC|$OUT" "0|$WORD"
  expect_match "an unsaved state is a warning" "$ERR" "globals could not be saved"
  expect_eq "the state file from before is intact, no temp file" \
    "$(cmp -s "$R/plein/workspace/.lsb/state.json" "$T/state.before" && echo same)|$(ls -A "$R/plein/workspace/.lsb")" \
    "same|state.json"
  sx info plein --json
  expect_eq "info, list and the record work on a full disk" "$RC|$(jq -r .session.execution_count <<<"$OUT")|$(S list --json | jq -r '.sessions[].id')" "0|1|plein"
  # Proves: a file written through the API on a full disk fails (74) and
  # leaves the old file whole and no partial new one (temp + rename).
  printf 'ancien %s' "$WORD" >"$T/old.txt"
  S rm plein big >/dev/null 2>&1
  sx write plein a.txt "$T/old.txt"
  fill
  head -c 200000 /dev/zero >"$T/big.bin"
  sx write plein a.txt "$T/big.bin"
  expect_eq "a file write on a full disk fails (74)" "$RC" "74"
  expect_match "and says why" "$ERR" "No space left on device"
  sx write plein neuf.bin "$T/big.bin"
  expect_eq "the old file is whole, and no partial or temporary file is left" \
    "$RC|$(cat "$R/plein/workspace/a.txt")|$(ls -A "$R/plein/workspace" | tr '\n' ' ')" \
    "74|ancien $WORD|.lsb a.txt "
  # Proves: creating a session on a full disk fails (74, EX_IOERR) and
  # leaves nothing behind; the existing session is untouched.
  sx create --id nouveau --custom-id
  expect_eq "create on a full disk fails and leaves no folder" "$RC|$(ls -A "$R")" "74|plein"
  expect_match "create says why" "$ERR" "No space left on device"
  # Proves: a one-shot run whose temporary workspace sits on the full disk
  # fails cleanly, and its temporary workspace is removed.
  mkdir -p "$DISK/tmp"
  rm -f "$DISK/filler"
  OUT=$(TMPDIR="$DISK/tmp" "$BIN" run -c "open('/app/big', 'wb').write(b'x' * (64 << 20))" 2>&1); RC=$?
  expect_eq "a one-shot run that fills the disk fails (1) and leaves TMPDIR empty" \
    "$RC|$(ls -A "$DISK/tmp" | wc -l)" "1|0"
  expect_match "the one-shot guest sees ENOSPC" "$OUT" "No space left on device"
  # Proves: once space is back the session saves again, state and record;
  # it goes on from the last committed state (y, whose save failed, is
  # gone) and from the record kept (the execution count).
  sx exec plein -c "z = 3; print(x, 'y' in globals(), z)"
  expect_eq "with space back, the session runs and saves again" \
    "$RC|$OUT|$(jq -r '[.x, .z] | join(",")' "$R/plein/workspace/.lsb/state.json")|$(jq -r .execution_count "$R/plein/session.json")" \
    "0|$WORD False 3|$WORD,3|2"
  # Proves: the same for JavaScript: on a full disk a run keeps its
  # session, the state save is a warning, the old state file stays whole
  # and no temporary file is left; with space back the last committed
  # state comes back.
  sx create --id plein-js --custom-id --lang javascript --auto-persist
  sx exec plein-js -c "var mot = '$WORD'; console.log(mot)"
  cp "$R/plein-js/workspace/.lsb/state.json" "$T/js-state.before"
  fill
  sx exec plein-js -c "var autre = 'x'.repeat(100000); console.log(mot)"
  expect_eq "JS: a run on a full disk works, with a warning" "$RC|$OUT" "0|$WORD"
  expect_match "JS: the warning says why" "$ERR" "globals could not be saved"
  expect_eq "JS: the old state file is whole, no temp file" \
    "$(cmp -s "$R/plein-js/workspace/.lsb/state.json" "$T/js-state.before" && echo same)|$(ls -A "$R/plein-js/workspace/.lsb")" \
    "same|state.json"
  rm -f "$DISK/filler"
  sx exec plein-js -c "console.log(mot, typeof autre)"
  expect_eq "JS: with space back, the last committed state" "$RC|$OUT" "0|$WORD undefined"
  sx destroy plein-js
  # Proves: destroy and prune work on a full disk (deleting needs no space).
  sx create --id vieux --custom-id
  printf '{"version": 1, "id": "vieux", "last_used_at": 0' >"$R/vieux/session.json" # torn
  touch -d '2 hours ago' "$R/vieux/session.json" "$R/vieux/workspace"
  fill
  sx prune --older-than 1h --json
  expect_eq "prune on a full disk deletes the old damaged session only" \
    "$RC|$(jq -r '.deleted_sessions | join(",")' <<<"$OUT")|$(ls -A "$R")" "0|vieux|plein"
  sx destroy plein
  expect_eq "destroy on a full disk" "$RC|$(ls -A "$R")" "0|"
  rm -f "$DISK/filler"
  umount "$DISK"
  R="$T/sessions"
else
  echo "skip: mount -t tmpfs is refused here (not root?): the full-disk cases need it"
fi

# --- damaged records: CLI ---------------------------------------------------
# Proves: a session whose record is damaged is listed (flagged), refused by
# info and exec with the reason, destroyable, and pruned by the age of its
# files (a dry run lists it and deletes nothing); a young one is skipped.
sx create --id abime-vieux --custom-id
sx write abime-vieux "données/é.txt" - <<<"$WORD"
sx create --id abime-jeune --custom-id
sx create --id sain --custom-id
printf '{"version": 1, "id": "abime-vieux", "runtime": ' >"$R/abime-vieux/session.json"
printf '\xff\xfe not json' >"$R/abime-jeune/session.json"
sx list --json
expect_eq "list shows both damaged sessions, flagged" \
  "$(jq -r '[.sessions[] | "\(.id)=\(.damaged // false)"] | join(" ")' <<<"$OUT")" \
  "abime-jeune=true abime-vieux=true sain=false"
sx info abime-jeune
expect_match "info says the record is unusable (and prints no raw bytes)" "$RC|$ERR" "^[1-9][0-9]*\|.*unusable"
touch -d '3 hours ago' "$R/abime-vieux/session.json" "$R/abime-vieux/workspace"
sx prune --older-than 1h --dry-run --json
expect_eq "prune --dry-run: the old damaged one would go, the young one is skipped" \
  "$(jq -r '.deleted_sessions | join(",")' <<<"$OUT")|$(jq -r '.skipped_sessions | join(",")' <<<"$OUT")|$([ -d "$R/abime-vieux" ] && echo kept)" \
  "abime-vieux|abime-jeune|kept"
sx prune --older-than 1h --json
expect_eq "prune deletes the old damaged one, workspace and all" \
  "$(jq -r '.deleted_sessions | join(",")' <<<"$OUT")|$([ -e "$R/abime-vieux" ] && echo kept || echo gone)" \
  "abime-vieux|gone"
sx destroy abime-jeune
expect_eq "destroy removes a damaged session" "$RC|$([ -e "$R/abime-jeune" ] && echo kept || echo gone)" "0|gone"

# --- damaged records: MCP expiry --------------------------------------------
# Proves: the MCP server's expiry destroys a damaged session whose files
# are older than the TTL (before, info_get failed and expiry skipped it
# forever), keeps a damaged one whose files are young and a healthy one.
sx create --id expire-abime --custom-id
sx write expire-abime "f.txt" - <<<"$WORD"
sx create --id expire-jeune --custom-id
sx create --id expire-sain --custom-id
printf '{oops' >"$R/expire-abime/session.json"
printf '{oops' >"$R/expire-jeune/session.json"
touch -d '2 hours ago' "$R/expire-abime/session.json" "$R/expire-abime/workspace"
# a TTL of 16 s sweeps every 4 s; the server stops when its stdin ends
sleep 8 | "$BIN" mcp --storage-dir "$T/mcp" --sessions-root "$R" --session-ttl 16 >/dev/null 2>"$T/mcp.log"
expect_eq "expiry destroyed the old damaged session, not the young one nor the healthy one" \
  "$([ -e "$R/expire-abime" ] && echo kept || echo gone)|$([ -d "$R/expire-jeune" ] && echo kept)|$([ -d "$R/expire-sain" ] && echo kept)" \
  "gone|kept|kept"
expect_match "and logged it" "$(cat "$T/mcp.log")" "session_expired.*expire-abime"

# --- damaged records: MCP tools ---------------------------------------------
# Proves: over MCP, a client's session whose record became damaged (its
# owner, kept in the record, still readable) is still in its
# get_active_sessions (flagged, with the reason) and destroy_session
# removes it, workspace and all; a record that is not JSON at all names no
# owner, so it is nobody's session (not listed, "not found"; the expiry
# above removes it).
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" mcp --http "127.0.0.1:$PORT" --storage-dir "$T/mcp-http" >/dev/null 2>"$T/http.err" &
SRV=$!
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")" = 200 ] && break
  sleep 0.1
done
CL=(python3 "$(dirname "$0")/mcpsec_client.py")
SID=$("${CL[@]}" session "$PORT")
mcp_call() { "${CL[@]}" call "$PORT" "$SID" "$1" "$2" | sed 's/^[0-9]* //'; }
ID=$(mcp_call create_session '{"language": "python"}' | jq -r .result.structuredContent.session_id)
mcp_call execute_code "{\"session_id\": \"$ID\", \"code\": \"open('f.txt', 'w').write('$WORD')\"}" >/dev/null
REC="$T/mcp-http/sessions/$ID/session.json"
jq '.policy = "abîmé ☕"' "$REC" >"$REC.new" && mv "$REC.new" "$REC"
OUT=$(mcp_call get_active_sessions '{}')
expect_eq "get_active_sessions lists the damaged session, flagged" \
  "$(jq -r --arg id "$ID" '.result.structuredContent.sessions[] | select(.session_id == $id) | "\(.damaged)|\(.error | test("unusable"))"' <<<"$OUT")" \
  "true|true"
OUT=$(mcp_call destroy_session "{\"session_id\": \"$ID\"}")
expect_eq "destroy_session removes it, workspace and all" \
  "$(jq -r .result.structuredContent.destroyed <<<"$OUT")|$([ -e "$T/mcp-http/sessions/$ID" ] && echo kept || echo gone)" \
  "true|gone"
ID=$(mcp_call create_session '{"language": "python"}' | jq -r .result.structuredContent.session_id)
printf '{oops' >"$T/mcp-http/sessions/$ID/session.json"
expect_eq "a record that is not JSON names no owner: not listed" \
  "$(mcp_call get_active_sessions '{}' | jq -c --arg id "$ID" '[.result.structuredContent.sessions[] | select(.session_id == $id)]')" "[]"
expect_match "nor found" "$(mcp_call destroy_session "{\"session_id\": \"$ID\"}" | jq -r '.result.content[0].text')" \
  "^Session $ID not found"
kill "$SRV"
wait "$SRV" 2>/dev/null

finish attack-faults
