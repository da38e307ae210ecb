#!/usr/bin/env bash
# learner-catchup.sh: how long a new node takes to join a running cluster and catch up, by data size.
#
# For each WRITES value: a fresh 3-node cluster (mapdb storage, default snapshot settings) is given a
# history of that many writes over KEYS keys with VALUE_SIZE-byte values (the load tool, writes
# only, closed loop). Then a fourth node is launched with an empty data directory and
# `--join <n1's URL>`, and the script polls (every 50 ms) for: the node's first HTTP answer, the
# configuration that adds it as a learner (on n1), and the node having applied everything the
# leader had committed when it was launched. Times are from just before the launch (JVM start
# included). The leader's data directory size and state (keys × value size) give the megabytes.
# Optionally (PROMOTE=1) the node is then promoted, and that time is measured too.
#
# Usage: benchmarks/scripts/learner-catchup.sh [WRITES...]   (default "100000 500000"; QUICK=1: 20000)
# Environment (defaults in brackets):
#   KEYS [20000] VALUE_SIZE [1000] CONNECTIONS [64] CHUNK_MAX [3600] seconds per load-tool run,
#   JOIN_TIMEOUT [600] PROMOTE [1] SEED [42]; NODE_JAVA_OPTS, NODE_SETTINGS, BELLWETHER_JAR,
#   BELLWETHER_BENCH_JAR, READY_TIMEOUT, RESULTS_DIR, KEEP_WORK: see lib.sh
# Output: a table; in benchmarks/results/<UTC time>-learner-catchup[-quick]/, summary.md and
# manifest.txt, to commit; raw/ (not committed): catchup.tsv, the load tool's JSON, the nodes' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
if (( $# > 0 )); then SIZES="$*"; else SIZES="${WRITES:-$([[ "$QUICK" == 1 ]] && echo 20000 || echo "100000 500000")}"; fi
KEYS="${KEYS:-20000}"
VALUE_SIZE="${VALUE_SIZE:-1000}"
CONNECTIONS="${CONNECTIONS:-64}"
CHUNK_MAX="${CHUNK_MAX:-3600}"
JOIN_TIMEOUT="${JOIN_TIMEOUT:-600}"
PROMOTE="${PROMOTE:-1}"
SEED="${SEED:-42}"
for w in $SIZES; do [[ "$w" =~ ^[0-9]+$ ]] || die "WRITES must be whole numbers, got '$w'"; done

lib_init learner-catchup
lib_refuse_tls
require_tools curl jq awk ps du java column
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE CONNECTIONS=$CONNECTIONS PROMOTE=$PROMOTE SEED=$SEED"
COMMAND+=" benchmarks/scripts/learner-catchup.sh $SIZES"
raw="$RAW_DIR"
tsv="$raw/catchup.tsv"
printf 'writes\tcommit_index\tleader_du_bytes\tstate_bytes\thttp_s\tadded_s\tcaught_up_s\tsnapshots_installed\tpromote_s\n' >"$tsv"

leader_commit() { bw_status 0 | jq -r '.commitIndex // 0'; }

# Writes until n1 has applied at least $1 entries (the load tool, stopped once the target is reached).
write_history() {
  local target=$1 applied chunk=0 json logf tool
  applied="$(bw_status 0 | jq -r '.appliedIndex // 0')"
  while (( applied < target )); do
    chunk=$(( chunk + 1 ))
    json="$raw/w$target-write-$chunk.json"
    logf="$raw/w$target-write-$chunk.log"
    log "$applied of $target written; load tool until the applied index reaches $target"
    start_bench load --target bellwether --endpoints "$(cluster_endpoints)" --workload write --write-to leader \
      --connections "$CONNECTIONS" --rate 0 --duration "${CHUNK_MAX}s" --warmup 0s --keys "$KEYS" \
      --value-size "$VALUE_SIZE" --key-prefix bench/ --seed "$SEED" --json "$json" >"$logf" 2>&1
    tool=$BENCH_PID
    while kill -0 "$tool" 2>/dev/null; do
      applied="$(bw_status 0 | jq -r '.appliedIndex // 0')"
      if (( applied >= target )); then kill -TERM "$tool" 2>/dev/null || true; break; fi
      sleep 1
    done
    wait "$tool" || true
    forget_pid "$tool"
    applied="$(bw_status 0 | jq -r '.appliedIndex // 0')"
  done
}

for writes in $SIZES; do
  CL_LABEL="w$writes"
  cluster_start bellwether 3
  write_history "$writes"
  commit="$(leader_commit)"
  leader_du="$(du_bytes "${MEMBER_DIRS[0]}")"
  state_bytes=$(( KEYS * VALUE_SIZE ))
  free_port peer4
  free_port http4
  dir4="$WORK_DIR/bellwether/n4"
  log4="$WORK_DIR/bellwether/n4.log"
  mkdir -p "$dir4" && chmod 700 "$dir4"
  url4="http://127.0.0.1:$http4"
  unset_args=()
  for v in $(compgen -e); do [[ "$v" == BELLWETHER_* ]] && unset_args+=(-u "$v"); done
  log "w$writes: leader commit $commit, data dir ${leader_du% *} B; launching n4 with --join ${MEMBER_URLS[0]}"
  t0=$EPOCHREALTIME
  env "${unset_args[@]}" BELLWETHER_JAR="$BELLWETHER_JAR" BELLWETHER_JAVA_OPTS="${NODE_JAVA_OPTS:-}" \
    "$BENCH_ROOT/bin/bellwether" node --node-id n4 --cluster-id "$CL_TOKEN" --data-dir "$dir4" \
    --peer-listen "127.0.0.1:$peer4" --http-listen "127.0.0.1:$http4" --join "${MEMBER_URLS[0]}" \
    --transport vertx --storage mapdb --discovery static >>"$log4" 2>&1 &
  pid4=$!
  http_s="" added_s="" caught_s=""
  deadline=$(( ${EPOCHREALTIME%.*} + JOIN_TIMEOUT ))
  while [[ -z "$caught_s" ]]; do
    (( ${EPOCHREALTIME%.*} < deadline )) || { tail -n 30 "$log4" >&2; die "w$writes: n4 not caught up after ${JOIN_TIMEOUT}s"; }
    proc_running "$pid4" || { tail -n 30 "$log4" >&2; die "w$writes: n4 exited (log $log4)"; }
    s4="$(curl -sf --max-time 1 "$url4/v1/cluster" || true)"
    [[ -z "$http_s" && -n "$s4" ]] && http_s="$(elapsed "$t0")"
    if [[ -z "$added_s" ]] && curl -s --max-time 1 "${MEMBER_URLS[0]}/v1/cluster" | jq -e '.members[] | select(.id == "n4")' >/dev/null 2>&1; then
      added_s="$(elapsed "$t0")"
    fi
    if [[ -n "$s4" ]] && (( $(jq -r '.appliedIndex // 0' <<<"$s4") >= commit )); then caught_s="$(elapsed "$t0")"; fi
    [[ -n "$caught_s" ]] || sleep 0.05
  done
  installed="$(jq -r ".snapshot.installed // 0" <<<"$s4")"
  promote_s=""
  if [[ "$PROMOTE" == 1 ]]; then
    t1=$EPOCHREALTIME
    code="$(curl -s -o "$raw/w$writes-promote.json" -w '%{http_code}' --max-time 30 -X POST "${MEMBER_URLS[0]}/v1/members/n4/promote")"
    [[ "$code" == 200 ]] || { cat "$raw/w$writes-promote.json" >&2; die "w$writes: promote answered $code"; }
    promote_s="$(elapsed "$t1")"
  fi
  log "w$writes: n4 HTTP ${http_s}s, added ${added_s}s, caught up to $commit in ${caught_s}s (snapshots installed: $installed), promote ${promote_s:-skipped}s"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$writes" "$commit" "${leader_du% *}" "$state_bytes" \
    "$http_s" "$added_s" "$caught_s" "$installed" "$promote_s" >>"$tsv"
  kill -TERM "$pid4" 2>/dev/null || true
  wait "$pid4" 2>/dev/null || true
  cp "$log4" "$raw/w$writes-n4.log" 2>/dev/null || true
  cluster_stop
done

table="$(awk -F'\t' 'NR > 1 {
    printf "%s\t%s\t%.1f\t%.1f\t%s\t%s\t%s\t%.3f\t%.1f\t%s\t%s\n", $1, $2, $3 / 1048576, $4 / 1048576, $5, $6, $7,
      $7 - $6, ($7 - $6 > 0 ? $4 / 1048576 / ($7 - $6) : 0), $8, ($9 == "" ? "-" : $9)
  }' "$tsv")"
header=$'writes\tcommit index\tleader dir MiB\tstate MiB\tHTTP up s\tadded s\tcaught up s\tadded to caught up s\tstate MiB/s\tsnapshots installed\tpromote s'
{ printf '%s\n' "$header"; printf '%s\n' "$table"; } | column -t -s $'\t'

{
  printf '# A learner joining and catching up\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- 3-node cluster, mapdb storage, default snapshot settings; node JVM options: %s; node settings: %s\n' \
    "-Xmx256m -XX:+UseSerialGC ${NODE_JAVA_OPTS:-}" "${NODE_SETTINGS:-defaults}"
  printf -- '- History: WRITES writes over %s keys of %s B values (%s connections); the state is keys x value size.\n\n' \
    "$KEYS" "$VALUE_SIZE" "$CONNECTIONS"
  md_table "$header" "$table"
  printf "\n- Times in seconds from just before \`bin/bellwether node --join\` was launched (JVM start included), polled every 50 ms: "
  printf 'HTTP up = first answer of /v1/cluster; added = n1 lists n4 as a member; caught up = n4 applied the commit index the leader had at launch. '
  printf 'added to caught up = the catch-up itself (snapshot transfer, install and the log after it); state MiB/s = state / that time. '
  printf 'promote s = POST /v1/members/n4/promote until its 200 (the configuration committed and applied).\n'
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND"
log "done: $RESULTS_DIR/summary.md"
