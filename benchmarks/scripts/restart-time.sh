#!/usr/bin/env bash
# restart-time.sh: the snapshot work's second measurement. How long a node with a long write history takes to
# come back after a graceful stop, with snapshots (default thresholds) and without.
#
# One single-node cluster per mode (a 1-node cluster: the restarted node is its own leader, so the
# time measured is opening the store, restoring the newest snapshot, replaying the log after it and
# one election timeout; no catch-up from peers):
#   empty        no history (JVM start, store open, election: the floor)
#   snapshots    WRITES writes with the default snapshot settings (or NODE_SETTINGS)
#   nosnapshots  WRITES writes with snapshot.entries and snapshot.bytes set so high none is taken
# Writes: the load tool, writes only, closed loop, over KEYS fixed keys with VALUE_SIZE-byte values,
# stopped as soon as the node's applied index (polled every second) reaches WRITES. Then RESTARTS
# times: SIGTERM, wait for the exit, start the node again and poll (every 50 ms) for the first HTTP answer, for 200 on
# /health/ready, and for the first 200 of a linearizable GET of a key written before; each time is
# measured from just before the process is launched. The data directory's size is recorded too.
#
# Usage: benchmarks/scripts/restart-time.sh [WRITES]        (default 1000000; QUICK=1: 50000; --help)
# Environment (defaults in brackets):
#   WRITES [1000000] MODES ["empty snapshots nosnapshots"] RESTARTS [3; QUICK 2] CONNECTIONS [64]
#   KEYS [1000] VALUE_SIZE [100] CHUNK_MAX [3600] seconds per load-tool run, RESTART_TIMEOUT [900]
#   WRITER [tool]: "curl" writes with parallel curl instead of the load tool (slow; for trying)
#   SEED [42]; NODE_JAVA_OPTS (e.g. -Xmx1g: without snapshots the whole log is held in memory),
#   NODE_SETTINGS, BELLWETHER_JAR, BELLWETHER_BENCH_JAR, READY_TIMEOUT, RESULTS_DIR, KEEP_WORK: see lib.sh
# Output: a table; in benchmarks/results/<UTC time>-restart-time[-quick]/, summary.md (the tables,
# the command, the machine) and manifest.txt (date, commit, command, machine, versions, checksums of
# the raw files), to commit; raw/ (not committed): restarts.tsv, the load tool's JSON and logs, the
# node's log per mode.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
WRITES="${1:-${WRITES:-$([[ "$QUICK" == 1 ]] && echo 50000 || echo 1000000)}}"
RESTARTS="${RESTARTS:-$([[ "$QUICK" == 1 ]] && echo 2 || echo 3)}"
MODES="${MODES:-empty snapshots nosnapshots}"
CONNECTIONS="${CONNECTIONS:-64}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
CHUNK_MAX="${CHUNK_MAX:-3600}"
RESTART_TIMEOUT="${RESTART_TIMEOUT:-900}"
WRITER="${WRITER:-tool}"
SEED="${SEED:-42}"
PROBE_KEY="restart/probe"
[[ "$WRITES" =~ ^[0-9]+$ ]] || die "WRITES must be a whole number, got '$WRITES'"
user_settings="${NODE_SETTINGS:-}"

lib_init restart-time
lib_refuse_tls
require_tools curl jq awk ps du java column
ensure_bellwether_jar
[[ "$WRITER" == tool ]] && ensure_bench_tool
COMMAND="QUICK=$QUICK MODES='$MODES' RESTARTS=$RESTARTS CONNECTIONS=$CONNECTIONS KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE"
COMMAND+=" WRITER=$WRITER SEED=$SEED benchmarks/scripts/restart-time.sh $WRITES"
raw="$RAW_DIR"

tsv="$raw/restarts.tsv"
printf 'mode\twrites_applied\tlast_index\tsnapshot_index\tdu_apparent_bytes\tdu_allocated_bytes\twrite_seconds\twrites_per_s\twrite_errors\trestart\tstop_s\thttp_s\tready_s\tfirst_read_s\treplayed_entries\n' >"$tsv"

applied_index() { bw_status 0 | jq -r '.appliedIndex // 0'; }

# Writes until node 0 has applied at least $1 entries. Sets WRITE_SECONDS and WRITE_ERRORS. The load
# tool runs for at most CHUNK_MAX seconds at a time and is stopped (SIGTERM) as soon as the applied
# index, polled every second, reaches the target.
write_history() {
  local target=$1 applied chunk=0 start json logf tool rc errs=0 r
  start=$EPOCHREALTIME
  applied="$(applied_index)"
  while (( applied < target )); do
    chunk=$(( chunk + 1 ))
    if [[ "$WRITER" == curl ]]; then
      r="$(curl_writes "${MEMBER_URLS[0]}" $(( target - applied )) "$KEYS" "$CONNECTIONS" bench/ "$VALUE_SIZE")"
      errs=$(( errs + ${r#* } ))
    else
      json="$raw/$mode-write-$chunk.json"
      logf="$raw/$mode-write-$chunk.log"
      log "$mode: $applied of $target written; load tool until the applied index reaches $target (at most ${CHUNK_MAX}s)"
      start_bench load --target bellwether --endpoints "${MEMBER_URLS[0]}" --workload write --write-to leader \
        --connections "$CONNECTIONS" --rate 0 --duration "${CHUNK_MAX}s" --warmup 0s --keys "$KEYS" \
        --value-size "$VALUE_SIZE" --key-prefix bench/ --seed "$SEED" --json "$json" >"$logf" 2>&1
      tool=$BENCH_PID
      while kill -0 "$tool" 2>/dev/null; do
        applied="$(applied_index)"
        if (( applied >= target )); then
          kill -TERM "$tool" 2>/dev/null || true
          break
        fi
        member_alive 0 || die "node died while writing (log ${MEMBER_LOGS[0]})"
        sleep 1
      done
      rc=0
      wait "$tool" || rc=$?
      forget_pid "$tool"
      # Stopped on purpose: no JSON (errors of that run unknown). Ended by itself: it must have succeeded.
      if [[ -f "$json" ]]; then
        errs=$(( errs + $(jq -r '[.errors // {} | to_entries[] | .value] | add // 0' "$json") ))
      elif (( applied < target )); then
        tail -n 20 "$logf" >&2
        die "load tool failed (rc $rc, see $logf)"
      fi
    fi
    member_alive 0 || die "node died while writing (log ${MEMBER_LOGS[0]})"
    applied="$(applied_index)"
  done
  WRITE_SECONDS="$(elapsed "$start")"
  WRITE_ERRORS=$errs
}

# Restarts node 0 and measures; sets stop_s, http_s, ready_s and read_s (seconds). Not to be run in
# a subshell: the node it launches must stay this shell's child.
measure_restart() {
  local t0 code deadline
  http_s="" ready_s="" read_s=""
  cluster_stop_member 0 120
  stop_s=$STOP_SECONDS
  cluster_start_member 0
  t0=${MEMBER_STARTED[0]}
  deadline=$(( ${EPOCHREALTIME%.*} + RESTART_TIMEOUT ))
  while [[ -z "$ready_s" || -z "$read_s" ]]; do
    (( ${EPOCHREALTIME%.*} < deadline )) || { member_tail_log 0; die "$mode: node not ready and readable after ${RESTART_TIMEOUT}s"; }
    member_alive 0 || { member_tail_log 0; die "$mode: node exited while restarting (log ${MEMBER_LOGS[0]})"; }
    if [[ -z "$ready_s" ]]; then
      code="$(http_code "${MEMBER_URLS[0]}/health/ready" 1)"
      [[ -z "$http_s" && "$code" != 000 ]] && http_s="$(elapsed "$t0")"
      [[ "$code" == 200 ]] && ready_s="$(elapsed "$t0")"
    fi
    if [[ -z "$read_s" ]]; then
      code="$(http_code "${MEMBER_URLS[0]}/v1/kv/$PROBE_KEY?consistency=linearizable" 2)"
      [[ -z "$http_s" && "$code" != 000 ]] && http_s="$(elapsed "$t0")"
      [[ "$code" == 200 ]] && read_s="$(elapsed "$t0")"
    fi
    [[ -n "$ready_s" && -n "$read_s" ]] || sleep 0.05
  done
}

for mode in $MODES; do
  case "$mode" in
    empty) target=0; NODE_SETTINGS="$user_settings" ;;
    snapshots) target=$WRITES; NODE_SETTINGS="$user_settings" ;;
    nosnapshots) target=$WRITES; NODE_SETTINGS="$user_settings snapshot.entries=1000000000000 snapshot.bytes=1000000000000000" ;;
    *) die "unknown mode '$mode' (empty, snapshots, nosnapshots)" ;;
  esac
  log "$mode: starting a 1-node cluster"
  CL_LABEL="$mode"
  cluster_start bellwether 1
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary probe "${MEMBER_URLS[0]}/v1/kv/$PROBE_KEY")" == 200 ]] \
    || die "$mode: could not write the probe key"
  WRITE_SECONDS=0 WRITE_ERRORS=0
  if (( target > 0 )); then write_history "$target"; fi
  status="$(bw_status 0)"
  applied="$(jq -r '.appliedIndex' <<<"$status")"
  du="$(du_bytes "${MEMBER_DIRS[0]}")"
  wps="$(awk -v n="$applied" -v s="$WRITE_SECONDS" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
  log "$mode: applied index $applied, data dir ${du% *} B (allocated ${du#* } B), $(jq -c '{firstIndex, lastIndex, snapshot}' <<<"$status")"
  for ((r = 1; r <= RESTARTS; r++)); do
    measure_restart
    after="$(bw_status 0)"
    replayed="$(jq -r '(.lastIndex // 0) - (.snapshot.index // 0)' <<<"$after")"
    log "$mode restart $r: stopped in ${stop_s}s; HTTP ${http_s}s, ready ${ready_s}s, first linearizable read ${read_s}s"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$applied" \
      "$(jq -r '.lastIndex' <<<"$after")" "$(jq -r '.snapshot.index' <<<"$after")" "${du% *}" "${du#* }" \
      "$WRITE_SECONDS" "$wps" "$WRITE_ERRORS" "$r" "$stop_s" "$http_s" "$ready_s" "$read_s" "$replayed" >>"$tsv"
  done
  cluster_stop_member 0 120
  cluster_stop
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

table="$(awk -F'\t' 'NR > 1 {
    printf "%s\t%s\t%.1f\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $5 / 1048576, $6 / 1048576, $4, $15, $10, $11, $12, $13, $14
  }' "$tsv")"
header=$'mode\tapplied index\tdu -sb MiB\tallocated MiB\tsnapshot index\tentries replayed\trestart\tstop s\tHTTP up s\tready s\tfirst lin. read s'
{ printf '%s\n' "$header"; printf '%s\n' "$table"; } | column -t -s $'\t'
printf '\nTimes from just before the process was launched (JVM start included); 1-node cluster. Raw: %s\n' "$tsv"

{
  printf '# Restart time with and without snapshots\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Load average (1, 5, 15 min) at start: %s; at end: %s\n' "$LOAD_AT_START" "$load_end"
  printf -- '- One node alone (a 1-node cluster), mapdb storage; node JVM options: %s; node settings: %s\n' \
    "-Xmx256m -XX:+UseSerialGC ${NODE_JAVA_OPTS:-}" "${user_settings:-defaults}"
  printf -- '- History: writes over %s keys, values of %s B, %s connections (writer: %s)\n\n' "$KEYS" "$VALUE_SIZE" "$CONNECTIONS" "$WRITER"
  md_table "$header" "$table"
  printf '\nWriting the history (write errors: of the load-tool runs that ended by themselves; the last run is stopped once the target is reached):\n\n| mode | writes applied | seconds | writes/s | write errors |\n| --- | --- | --- | --- | --- |\n'
  awk -F'\t' 'NR > 1 && $10 == 1 { printf "| %s | %s | %s | %s | %s |\n", $1, $2, $7, $8, $9 }' "$tsv"
  printf "\n- Times in seconds from just before \`bin/bellwether node\` was launched (JVM start included): "
  printf 'HTTP up = first HTTP answer of any status (the store is opened before the server binds); '
  printf 'ready = first 200 on /health/ready (a leader known and everything known committed applied); '
  printf 'first lin. read = first 200 of GET /v1/kv/%s?consistency=linearizable. Polled every 50 ms.\n' "$PROBE_KEY"
  printf -- '- stop s: from SIGTERM to the process exit. applied index counts every log entry (the leader'"'"'s no-op entries too). '
  printf 'entries replayed: last index minus snapshot index after the restart. Sizes: du of the data directory before the first restart.\n'
  printf -- '- A 1-node cluster waits one election timeout (500-1000 ms at the default 50 ms tick) before it leads, in every mode.\n'
} >"$RESULTS_DIR/summary.md"
NODE_SETTINGS="$user_settings"   # the user's; the modes' own are in the command's MODES
manifest_write "$COMMAND"
log "done: $RESULTS_DIR/summary.md"
