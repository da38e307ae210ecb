#!/usr/bin/env bash
# big-data.sh: a node holds data several times its heap. A 3-node cluster (separate `bin/bellwether
# node` processes, the launcher's -Xmx256m, mapdb storage, kv.state=mapdb: the key-value state in
# immutable MapDB layers on disk, default snapshot settings) is filled with KEYS distinct keys of
# VALUE_SIZE-byte values (10,000,000 x 200 B: about 2 GB of state), and then:
#   1. Fill: the load tool's fill workload (each of CONNECTIONS connections writes the next key not
#      yet taken, every key once) in two halves; writes/s of each half, and over the first and the
#      last 10 % of the keys (from the timelines: does the write rate degrade as the data grows?).
#      Every SAMPLE_EVERY seconds meanwhile: each node's RSS, heap used and data directory size.
#   2. Restart-to-ready of one follower after each half (at 1 GB and at 2 GB), RESTARTS times:
#      SIGTERM, wait for the exit, start it again on the same data directory, and poll (50 ms) for the
#      first HTTP answer, 200 on /health/ready, and the first 200 of a linearizable GET of key 0
#      (written in the first half) on that node; times from just before the launch.
#   3. Reads: READ_SECONDS of linearizable GETs of random filled keys at READ_CONNECTIONS connections
#      (to the leader): reads/s, p50, p99, and reads that found no value (must be 0).
#   4. Memory and disk per node after each half and after the reads: VmRSS, RssAnon, RssFile and
#      VmHWM (/proc/PID/status), heap used and its limit (the node's /metrics,
#      jvm_memory_used_bytes / jvm_memory_max_bytes, area "heap"), du of the data directory and of
#      its kv/ (the state) and log/ (the Raft log) separately, and the kv/ files.
#   5. A follower that lost its disk (CATCHUP): it is stopped and its data directory deleted, and a
#      node with an empty data directory must get the state from the leader (InstallSnapshot).
#      CATCHUP=replace (default) does what docs/operations.md says ("Replace a dead node": never
#      back under its old id with an empty disk): the follower is removed from the configuration and
#      a node with a new id joins (--join). CATCHUP=wipe starts it again under its old id, after
#      rewriting the first keys (WIPE_CHUNK at a time) until the leader's log no longer holds what
#      the follower had (until then the leader would keep sending entries the follower cannot take).
#      CATCHUP=none skips the step. Time from the launch to its applied index reaching the leader's
#      commit index of that moment, snapshots installed, bytes it read through system calls (rchar
#      of /proc/PID/io: the transfer, mostly) and its disk and memory once caught up; the leader's
#      and its memory about every second meanwhile. A node that dies or does not catch up in
#      CATCHUP_TIMEOUT is recorded as such (its first errors in raw/), not an error of the script.
#
# Usage: benchmarks/scripts/big-data.sh [KEYS]   (default 10000000; QUICK=1: 300000; --help)
# Environment (defaults in brackets):
#   KEYS [10000000; QUICK 300000] VALUE_SIZE [200] CONNECTIONS [64] KEY_PREFIX [big/]
#   RESTARTS [3; QUICK 2] READ_SECONDS [30; QUICK 10] READ_CONNECTIONS [64] SAMPLE_EVERY [15]
#   FILL_LIMIT [86400] seconds per fill half (the load tool's --duration, a limit: the fill ends when
#   its keys are written), RESTART_TIMEOUT [900], CATCHUP_TIMEOUT [3600], CATCHUP [replace: or wipe, none],
#   WIPE_CHUNK [5000], SEED [42];
#   NODE_JAVA_OPTS, NODE_SETTINGS, BELLWETHER_JAR, BELLWETHER_BENCH_JAR, READY_TIMEOUT, RESULTS_DIR,
#   KEEP_WORK: see lib.sh. The data directories need about 3 x (KEY + VALUE_SIZE) x KEYS of disk,
#   plus what merges rewrite meanwhile: check the free space of TMPDIR (/tmp) first.
# Output: tables; in benchmarks/results/<UTC time>-big-data[-quick]/, summary.md (every figure, the
# command, the machine) and manifest.txt (date, commit, command, machine, versions, checksums of the
# raw files), to commit; raw/ (not committed): the load tool's JSON, logs and timelines, samples.csv
# (memory and disk during the fills), points.tsv, restarts.tsv, catchup.tsv, the nodes' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
KEYS="${1:-${KEYS:-$([[ "$QUICK" == 1 ]] && echo 300000 || echo 10000000)}}"
VALUE_SIZE="${VALUE_SIZE:-200}"
CONNECTIONS="${CONNECTIONS:-64}"
KEY_PREFIX="${KEY_PREFIX:-big/}"
RESTARTS="${RESTARTS:-$([[ "$QUICK" == 1 ]] && echo 2 || echo 3)}"
READ_SECONDS="${READ_SECONDS:-$([[ "$QUICK" == 1 ]] && echo 10 || echo 30)}"
READ_CONNECTIONS="${READ_CONNECTIONS:-64}"
SAMPLE_EVERY="${SAMPLE_EVERY:-15}"
FILL_LIMIT="${FILL_LIMIT:-86400}"
RESTART_TIMEOUT="${RESTART_TIMEOUT:-900}"
CATCHUP_TIMEOUT="${CATCHUP_TIMEOUT:-3600}"
CATCHUP="${CATCHUP:-replace}"
WIPE_CHUNK="${WIPE_CHUNK:-5000}"
SEED="${SEED:-42}"
[[ "$CATCHUP" =~ ^(replace|wipe|none)$ ]] || die "CATCHUP must be replace, wipe or none, got '$CATCHUP'"
for v in KEYS VALUE_SIZE CONNECTIONS RESTARTS READ_SECONDS READ_CONNECTIONS SAMPLE_EVERY FILL_LIMIT WIPE_CHUNK; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
(( KEYS >= 20 )) || die "KEYS must be at least 20 (two halves, tenths of each)"
HALF=$(( KEYS / 2 ))
# Keys are padded to the width of KEYS - 1 (the load tool's KeySpace); key 0 is the probe read after restarts.
last_index=$(( KEYS - 1 ))
PROBE_KEY="$(printf '%s%0*d' "$KEY_PREFIX" "${#last_index}" 0)"

lib_init big-data
lib_refuse_tls
require_tools curl jq awk ps du java column
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK VALUE_SIZE=$VALUE_SIZE CONNECTIONS=$CONNECTIONS KEY_PREFIX=$KEY_PREFIX RESTARTS=$RESTARTS"
COMMAND+=" READ_SECONDS=$READ_SECONDS READ_CONNECTIONS=$READ_CONNECTIONS CATCHUP=$CATCHUP SEED=$SEED"
COMMAND+=" benchmarks/scripts/big-data.sh $KEYS"
raw="$RAW_DIR"
user_settings="${NODE_SETTINGS:-}"
# Named even though it is the default with a data directory: the run is about the state on disk.
NODE_SETTINGS="kv.state=mapdb${user_settings:+ $user_settings}"

samples="$raw/samples.csv"
points="$raw/points.tsv"
restarts="$raw/restarts.tsv"
catchup="$raw/catchup.tsv"
printf 'phase,elapsed_s,node,vmrss,rssanon,rssfile,vmhwm,heap_used,heap_max,du_data,du_kv,du_log,applied_index\n' >"$samples"
printf 'point\tnode\trole\tapplied_index\tsnapshot_index\tvmrss\trssanon\trssfile\tvmhwm\theap_used\theap_max\tdu_data\tdu_data_allocated\tdu_kv\tdu_log\tkv_files\tkv_layers\n' >"$points"
printf 'point\tnode\trestart\tstop_s\thttp_s\tready_s\tfirst_read_s\treplayed_entries\trchar_at_read\n' >"$restarts"

# ---------------------------------------------------------------------------------------------
# Measurements of one node

# node_mem I: "VmRSS RssAnon RssFile VmHWM heap-used heap-max" in bytes of member I ("n/a" when
# unknown): /proc/PID/status, and the JVM's heap pools from the node's /metrics.
node_mem() {
  local i=$1 st heap
  st="$(awk '/^(VmRSS|RssAnon|RssFile|VmHWM):/ { v[$1] = $2 * 1024 }
      END { if (!("VmRSS:" in v)) exit 1; printf "%s %s %s %s", v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["VmHWM:"] }' \
      "/proc/${MEMBER_PIDS[i]:-0}/status" 2>/dev/null)" || st="n/a n/a n/a n/a"
  heap="$(cl_curl -sf --max-time 5 "${MEMBER_URLS[i]}/metrics" | awk '
      /^jvm_memory_used_bytes\{/ && /area="heap"/ { u += $NF; nu++ }
      /^jvm_memory_max_bytes\{/ && /area="heap"/ && $NF > 0 { m += $NF; nm++ }
      END { if (!nu) exit 1; printf "%.0f %s", u, (nm ? sprintf("%.0f", m) : "n/a") }')" || heap="n/a n/a"
  echo "$st $heap"
}

# node_disk I: "data data-allocated kv log" bytes (du -sb; the data directory also du -s -B1) of member I.
node_disk() {
  local d=${MEMBER_DIRS[$1]} data kv lg
  data="$(du_bytes "$d")"
  kv="$(du_bytes "$d/kv")"
  lg="$(du_bytes "$d/log")"
  echo "${data% *} ${data#* } ${kv% *} ${lg% *}"
}

# node_applied I: member I's applied index (0 when it does not answer).
node_applied() { bw_status "$1" | jq -r '.appliedIndex // 0'; }

# sample PHASE ELAPSED: one samples.csv row per running member.
sample() {
  local i m d
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    read -r -a m <<<"$(node_mem "$i")"
    read -r -a d <<<"$(node_disk "$i")"
    printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "${MEMBER_NAMES[i]}" "${m[@]}" "${d[0]}" "${d[2]}" "${d[3]}" \
      "$(node_applied "$i")" >>"$samples"
  done
}

# record_point POINT: points.tsv rows (memory, disk, indexes) for every running member.
record_point() {
  local point=$1 i m d s role kvdir files layers
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    read -r -a m <<<"$(node_mem "$i")"
    read -r -a d <<<"$(node_disk "$i")"
    s="$(bw_status "$i")"
    role="$(jq -r '.role // "?"' <<<"$s")"
    kvdir="${MEMBER_DIRS[i]}/kv"
    files="$(find "$kvdir" -maxdepth 1 -type f 2>/dev/null | wc -l)"
    layers="$(find "$kvdir" -maxdepth 1 -type f -name '*.sst' 2>/dev/null | wc -l)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$point" "${MEMBER_NAMES[i]}" "$role" \
      "$(jq -r '.appliedIndex // "?"' <<<"$s")" "$(jq -r '.snapshot.index // "?"' <<<"$s")" "${m[@]}" "${d[@]}" \
      "$files" "$layers" >>"$points"
    ls -l "$kvdir" >"$raw/$point-${MEMBER_NAMES[i]}-kv.ls" 2>&1 || true
  done
  log "$point: $(awk -F'\t' -v p="$point" '$1 == p { printf "%s %s RSS %.0f MiB heap %.0f MiB kv %.0f MiB; ", $2, $3, $6 / 1048576, $10 / 1048576, $14 / 1048576 }' "$points")"
}

# wait_applied SECONDS: until every running member has applied the leader's commit index (as it was
# when the wait began): after a fill the followers may still be applying.
wait_applied() {
  local leader target i deadline=$(( SECONDS + $1 )) behind
  leader="$(cluster_leader)" || die "no leader"
  target="$(bw_status "$leader" | jq -r '.commitIndex // 0')"
  while :; do
    behind=""
    for ((i = 0; i < CL_N; i++)); do
      member_alive "$i" || continue
      (( $(node_applied "$i") >= target )) || behind+=" ${MEMBER_NAMES[i]}"
    done
    [[ -z "$behind" ]] && return 0
    (( SECONDS < deadline )) || die "not applied up to $target after $1 s:$behind"
    sleep 0.2
  done
}

# a_follower: index of the first running member that is not the leader.
a_follower() {
  local leader i
  leader="$(cluster_leader)" || die "no leader"
  for ((i = 0; i < CL_N; i++)); do
    if (( i != leader )) && member_alive "$i"; then echo "$i"; return 0; fi
  done
  die "no follower running"
}

# ---------------------------------------------------------------------------------------------
# The phases

# fill PART FROM TO: the load tool's fill of key indexes FROM..TO-1, sampling memory and disk
# every SAMPLE_EVERY seconds while it runs; then waits until every node has applied it.
fill() {
  local part=$1 from=$2 to=$3 start next tool rc=0
  log "fill $part: keys $from..$(( to - 1 )) of $KEYS, $VALUE_SIZE B values, $CONNECTIONS connections to the leader"
  start=$EPOCHREALTIME
  sample "fill-$part" 0
  start_bench load --target bellwether --endpoints "$(cluster_endpoints)" --workload fill --write-to leader \
    --connections "$CONNECTIONS" --duration "${FILL_LIMIT}s" --keys "$KEYS" --fill-from "$from" --fill-to "$to" \
    --value-size "$VALUE_SIZE" --key-prefix "$KEY_PREFIX" --seed "$SEED" \
    --json "$raw/fill-$part.json" --timeline "$raw/fill-$part.timeline" >"$raw/fill-$part.log" 2>&1
  tool=$BENCH_PID
  next=$SAMPLE_EVERY
  while kill -0 "$tool" 2>/dev/null; do
    while kill -0 "$tool" 2>/dev/null && awk -v s="$start" -v n="$next" -v now="$EPOCHREALTIME" 'BEGIN { exit !(now - s < n) }'; do
      sleep 0.2
    done
    kill -0 "$tool" 2>/dev/null || break
    sample "fill-$part" "$next"
    cluster_reap
    ((${#REAPED[@]} == 0)) || { member_tail_log "${REAPED[0]}"; die "fill $part: ${MEMBER_NAMES[REAPED[0]]} died (log ${MEMBER_LOGS[REAPED[0]]})"; }
    next=$(( next + SAMPLE_EVERY ))
  done
  wait "$tool" || rc=$?
  forget_pid "$tool"
  (( rc == 0 )) || { tail -n 20 "$raw/fill-$part.log" >&2; die "fill $part: load tool failed (rc $rc, see $raw/fill-$part.log)"; }
  local written
  written="$(jq -r '.keysWritten' "$raw/fill-$part.json")"
  (( written == to - from )) || die "fill $part: $written of $(( to - from )) keys written before the ${FILL_LIMIT}s limit"
  sample "fill-$part" "$(printf '%.0f' "$(elapsed "$start")")"
  wait_applied "$RESTART_TIMEOUT"
  log "fill $part: $written keys in $(jq -r '.elapsedSeconds' "$raw/fill-$part.json") s, $(jq -r '.throughput' "$raw/fill-$part.json") writes/s, errors $(jq -r '.errorCount' "$raw/fill-$part.json")"
}

# measure_restart I: SIGTERM member I, start it again on its data and poll; sets stop_s, http_s,
# ready_s, read_s, and rchar_s (the bytes the new process had read through system calls by its
# first read: the baseline of a start that transfers no state). Not in a subshell: the node it launches must stay this shell's child.
measure_restart() {
  local i=$1 t0 code deadline
  http_s="" ready_s="" read_s="" rchar_s=""
  cluster_stop_member "$i" 120
  stop_s=$STOP_SECONDS
  cluster_start_member "$i"
  t0=${MEMBER_STARTED[i]}
  deadline=$(( ${EPOCHREALTIME%.*} + RESTART_TIMEOUT ))
  while [[ -z "$ready_s" || -z "$read_s" ]]; do
    (( ${EPOCHREALTIME%.*} < deadline )) || { member_tail_log "$i"; die "${MEMBER_NAMES[i]} not ready and readable after ${RESTART_TIMEOUT}s"; }
    member_alive "$i" || { member_tail_log "$i"; die "${MEMBER_NAMES[i]} exited while restarting (log ${MEMBER_LOGS[i]})"; }
    if [[ -z "$ready_s" ]]; then
      code="$(http_code "${MEMBER_URLS[i]}/health/ready" 1)"
      [[ -z "$http_s" && "$code" != 000 ]] && http_s="$(elapsed "$t0")"
      [[ "$code" == 200 ]] && ready_s="$(elapsed "$t0")"
    fi
    if [[ -z "$read_s" ]]; then
      code="$(http_code "${MEMBER_URLS[i]}/v1/kv/$PROBE_KEY?consistency=linearizable" 2)"
      [[ -z "$http_s" && "$code" != 000 ]] && http_s="$(elapsed "$t0")"
      if [[ "$code" == 200 ]]; then
        read_s="$(elapsed "$t0")"
        rchar_s="$(awk '$1 == "rchar:" { print $2 }' "/proc/${MEMBER_PIDS[i]}/io" 2>/dev/null || echo n/a)"
      fi
    fi
    [[ -n "$ready_s" && -n "$read_s" ]] || sleep 0.05
  done
}

# restarts POINT: RESTARTS restarts of one follower, into restarts.tsv.
restarts() {
  local point=$1 f r after
  f="$(a_follower)"
  for ((r = 1; r <= RESTARTS; r++)); do
    measure_restart "$f"
    after="$(bw_status "$f")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$point" "${MEMBER_NAMES[f]}" "$r" "$stop_s" "$http_s" "$ready_s" "$read_s" \
      "$(jq -r '(.lastIndex // 0) - (.snapshot.index // 0)' <<<"$after")" "${rchar_s:-n/a}" >>"$restarts"
    log "$point restart $r of ${MEMBER_NAMES[f]}: stopped in ${stop_s}s; HTTP ${http_s}s, ready ${ready_s}s, first linearizable read ${read_s}s"
    cluster_wait_healthy "$READY_TIMEOUT"
  done
}

# reads: READ_SECONDS of linearizable reads of random filled keys (after a short warm-up).
reads() {
  local rc=0 warmup=5
  [[ "$QUICK" == 1 ]] && warmup=2
  log "reads: ${READ_SECONDS}s of linearizable reads over $KEYS keys, $READ_CONNECTIONS connections to the leader"
  run_bench load --target bellwether --endpoints "$(cluster_endpoints)" --workload read --read-from leader \
    --consistency linearizable --connections "$READ_CONNECTIONS" --duration "${READ_SECONDS}s" --warmup "${warmup}s" \
    --keys "$KEYS" --value-size "$VALUE_SIZE" --key-prefix "$KEY_PREFIX" --seed "$SEED" \
    --json "$raw/reads.json" --timeline "$raw/reads.timeline" >"$raw/reads.log" 2>&1 || rc=$?
  (( rc == 0 )) || { tail -n 20 "$raw/reads.log" >&2; die "reads: load tool failed (rc $rc, see $raw/reads.log)"; }
}

# Step 5, the follower that lost its disk (CATCHUP=replace or wipe). Both stop a follower and delete
# its data directory, then launch a node with an empty one and call catchup_poll.
#
# replace (the default) does what docs/operations.md says ("Replace a dead node": a node that lost
# its data never comes back under its old id, which could then vote twice in a term): the follower
# is removed from the configuration and a node with a new id joins (--join, as a learner).
#
# wipe starts the follower again under its old id, as a test of the state transfer would. A leader
# never sends a follower again what it believes that follower holds (Raft's followers do not lose
# what they acknowledged), so a wiped follower gets the state only once the leader's log has been
# compacted past that point, and then as a snapshot: before the launch, the first keys are written
# again (chunks of WIPE_CHUNK, from key 0 again after the last) until the leader's first log index
# has passed the follower's applied index. Without that it waits for the next leader change (tried:
# with no writes meanwhile one did not catch up in 11 minutes).

# replace_follower: sets CU_NODE (the new member's index), CU_OLD, CU_LEADER, CU_COMMIT.
replace_follower() {
  local f code n peer http sets=() v
  f="$(a_follower)"
  CU_LEADER="$(cluster_leader)" || die "no leader"
  CU_OLD="${MEMBER_NAMES[f]}"
  cluster_stop_member "$f" 120
  rm -rf "${MEMBER_DIRS[f]:?}"
  code="$(curl -s -o "$raw/remove-$CU_OLD.json" -w '%{http_code}' --max-time 30 -X DELETE \
    "${MEMBER_URLS[CU_LEADER]}/v1/members/$CU_OLD")"
  [[ "$code" == 200 ]] || { cat "$raw/remove-$CU_OLD.json" >&2; die "removing $CU_OLD answered $code"; }
  CU_COMMIT="$(bw_status "$CU_LEADER" | jq -r '.commitIndex // 0')"
  # The new node joins the member arrays, so the helpers measure it and cluster_stop stops it.
  n=$CL_N
  free_port peer
  free_port http
  MEMBER_NAMES+=("n$(( n + 1 ))") MEMBER_PEERS+=("127.0.0.1:$peer") MEMBER_URLS+=("http://127.0.0.1:$http")
  MEMBER_DIRS+=("$WORK_DIR/bellwether/n$(( n + 1 ))") MEMBER_LOGS+=("$WORK_DIR/bellwether/n$(( n + 1 )).log")
  MEMBER_PIDS+=("") MEMBER_IDS+=("") MEMBER_STARTED+=("")
  CL_N=$(( n + 1 ))
  mkdir -p "${MEMBER_DIRS[n]}" && chmod 700 "${MEMBER_DIRS[n]}"
  # shellcheck disable=SC2086 # NODE_SETTINGS is a space-separated list on purpose
  for v in ${NODE_SETTINGS:-}; do sets+=(--set "$v"); done
  bellwether_command
  log "$CU_OLD stopped, its data deleted and removed from the configuration; ${MEMBER_NAMES[n]} joins empty (leader ${MEMBER_NAMES[CU_LEADER]} commit index $CU_COMMIT)"
  printf '\n=== launch %s at %s\n' "${MEMBER_NAMES[n]}" "$(date -u '+%F %T')" >>"${MEMBER_LOGS[n]}"
  MEMBER_STARTED[n]=$EPOCHREALTIME
  "${BW_CMD[@]}" node --node-id "${MEMBER_NAMES[n]}" --cluster-id "$CL_TOKEN" --data-dir "${MEMBER_DIRS[n]}" \
    --peer-listen "127.0.0.1:$peer" --http-listen "127.0.0.1:$http" --join "$(cluster_endpoints_running)" \
    --transport vertx --storage mapdb --discovery static "${sets[@]}" >>"${MEMBER_LOGS[n]}" 2>&1 &
  MEMBER_PIDS[n]=$!
  CU_NODE=$n
}

# wipe_follower: sets CU_NODE (the wiped follower, started again), CU_OLD, CU_LEADER, CU_COMMIT.
wipe_follower() {
  local f held from=0 to rc first deadline=$(( SECONDS + CATCHUP_TIMEOUT ))
  f="$(a_follower)"
  CU_LEADER="$(cluster_leader)" || die "no leader"
  CU_OLD="${MEMBER_NAMES[f]} (itself)"
  held="$(node_applied "$f")"
  cluster_stop_member "$f" 120
  rm -rf "${MEMBER_DIRS[f]:?}"
  mkdir -p "${MEMBER_DIRS[f]}" && chmod 700 "${MEMBER_DIRS[f]}"
  while first="$(bw_status "$CU_LEADER" | jq -r '.firstIndex // 0')"; (( first <= held + 1 )); do
    (( SECONDS < deadline )) || die "wipe: the leader's log still starts at $first after ${CATCHUP_TIMEOUT}s of writes"
    to=$(( from + WIPE_CHUNK < KEYS ? from + WIPE_CHUNK : KEYS ))
    log "wipe: leader's log starts at $first, ${MEMBER_NAMES[f]} held $held: writing keys $from..$(( to - 1 )) again"
    rc=0
    run_bench load --target bellwether --endpoints "$(cluster_endpoints_running)" --workload fill --write-to leader \
      --connections "$CONNECTIONS" --duration "${FILL_LIMIT}s" --keys "$KEYS" --fill-from "$from" --fill-to "$to" \
      --value-size "$VALUE_SIZE" --key-prefix "$KEY_PREFIX" --seed "$SEED" \
      --json "$raw/wipe-rewrite-$from.json" >"$raw/wipe-rewrite-$from.log" 2>&1 || rc=$?
    (( rc == 0 )) || die "wipe: load tool failed (rc $rc, see $raw/wipe-rewrite-$from.log)"
    from=$(( to % KEYS ))   # round again from key 0 if the keys are fewer than the writes needed
    # The snapshot that compacts the log is taken after the writes: give it the time it takes.
    wait_first_index_past "$CU_LEADER" "$(( held + 1 ))" 30 || true
  done
  CU_COMMIT="$(bw_status "$CU_LEADER" | jq -r '.commitIndex // 0')"
  log "wiped ${MEMBER_NAMES[f]}'s data directory; starting it again empty (leader ${MEMBER_NAMES[CU_LEADER]} first index $first, commit index $CU_COMMIT)"
  cluster_start_member "$f"
  CU_NODE=$f
}

# wait_first_index_past I INDEX SECONDS: until member I's first log index is above INDEX; fails after SECONDS.
wait_first_index_past() {
  local deadline=$(( SECONDS + $3 ))
  while (( SECONDS < deadline )); do
    (( $(bw_status "$1" | jq -r '.firstIndex // 0') > $2 )) && return 0
    sleep 0.2
  done
  return 1
}

# catchup_poll: polls CU_NODE (every 50 ms) until it has applied CU_COMMIT, dies, or CATCHUP_TIMEOUT
# passes; samples memory about every second; writes catchup.tsv.
catchup_poll() {
  local n=$CU_NODE leader=$CU_LEADER t0=${MEMBER_STARTED[CU_NODE]} s http_s="" caught_s="" outcome="" applied=0
  local io rchar=n/a deadline polls=0 v
  deadline=$(( ${EPOCHREALTIME%.*} + CATCHUP_TIMEOUT ))
  while [[ -z "$outcome" ]]; do
    member_alive "$n" || { outcome="${MEMBER_NAMES[n]} exited after $(elapsed "$t0") s"; break; }
    member_alive "$leader" || { outcome="the leader exited after $(elapsed "$t0") s"; break; }
    # rchar: bytes the process got from read(2) and the like, sockets included; read while it runs.
    io="$(awk '$1 == "rchar:" { print $2 }' "/proc/${MEMBER_PIDS[n]}/io" 2>/dev/null)" && [[ -n "$io" ]] && rchar=$io
    s="$(bw_status "$n")"
    [[ -z "$http_s" && "$s" != "{}" ]] && http_s="$(elapsed "$t0")"
    applied="$(jq -r '.appliedIndex // 0' <<<"$s")"
    if (( applied >= CU_COMMIT )); then
      caught_s="$(elapsed "$t0")"
      outcome="caught up"
      break
    fi
    (( ${EPOCHREALTIME%.*} < deadline )) || { outcome="not caught up after ${CATCHUP_TIMEOUT}s (applied $applied of $CU_COMMIT)"; break; }
    # About once a second: the leader's and the new node's memory while the state moves.
    (( polls++ % 20 == 0 )) && sample catchup "$(elapsed "$t0")"
    sleep 0.05
  done
  log "${MEMBER_NAMES[n]}: $outcome${caught_s:+ in ${caught_s}s}"
  local installed=n/a snap_bytes=n/a sent=n/a dd=(n/a n/a n/a n/a) m=(n/a n/a n/a n/a n/a n/a)
  if member_alive "$n"; then
    s="$(bw_status "$n")"
    installed="$(jq -r '.snapshot.installed // "n/a"' <<<"$s")"
    snap_bytes="$(jq -r '.snapshot.bytes // "n/a"' <<<"$s")"
    read -r -a m <<<"$(node_mem "$n")"
    read -r -a dd <<<"$(node_disk "$n")"
  fi
  cluster_reap
  for v in "${REAPED[@]}"; do
    grep -m 5 -E 'OutOfMemoryError|Exception|ERROR' "${MEMBER_LOGS[v]}" >"$raw/exited-${MEMBER_NAMES[v]}-errors.log" 2>/dev/null || true
  done
  member_alive "$leader" && sent="$(bw_status "$leader" | jq -r '.snapshot.sent // "n/a"')"
  printf 'node\treplaces\toutcome\tleader_commit\thttp_s\tcaught_up_s\tsnapshots_installed\tleader_snapshots_sent\tfollower_snapshot_bytes\trchar\tdu_data\tdu_data_allocated\tdu_kv\tdu_log\tvmrss\trssanon\trssfile\tvmhwm\theap_used\theap_max\n' >"$catchup"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${MEMBER_NAMES[n]}" "$CU_OLD" \
    "$outcome" "$CU_COMMIT" "${http_s:-n/a}" "${caught_s:-n/a}" "$installed" "$sent" "$snap_bytes" "$rchar" "${dd[@]}" "${m[@]}" >>"$catchup"
}

# cluster_endpoints_running: the client URLs of the running members, comma separated.
cluster_endpoints_running() {
  local i out=()
  for ((i = 0; i < CL_N; i++)); do member_alive "$i" && out+=("${MEMBER_URLS[i]}"); done
  (IFS=,; echo "${out[*]}")
}

# time_at TIMELINE K: milliseconds from the start of a load-tool run until its timeline's running sum
# of successes reaches K (interpolated inside the 100 ms bucket), or n/a.
time_at() {
  awk -F, -v k="$2" 'NR > 1 && $2 > 0 { if (c + $2 >= k) { printf "%.1f\n", $1 + 100 * (k - c) / $2; found = 1; exit } c += $2 }
    END { if (!found) print "n/a" }' "$1"
}

# per_s COUNT FROM_MS TO_MS: COUNT per second over the interval, or n/a.
per_s() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { if (a == "n/a" || b == "n/a" || b <= a) print "n/a"; else printf "%.0f\n", n / ((b - a) / 1000) }'; }

# ---------------------------------------------------------------------------------------------
# The run

log "starting a 3-node cluster (kv.state=mapdb, default snapshot settings)"
cluster_start bellwether 3
fill 1 0 "$HALF"
record_point half
restarts half
fill 2 "$HALF" "$KEYS"
record_point full
restarts full
reads
record_point after-reads
if [[ "$CATCHUP" != none ]]; then
  "${CATCHUP}_follower"
  catchup_poll
  record_point after-catchup
fi
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
cluster_stop

# ---------------------------------------------------------------------------------------------
# Figures

mib() { awk -v b="$1" 'BEGIN { if (b == "n/a" || b == "") print "n/a"; else printf "%.0f\n", b / 1048576 }'; }
key_bytes=${#PROBE_KEY}
state_bytes=$(( KEYS * (key_bytes + VALUE_SIZE) ))
tenth=$(( KEYS / 10 ))
f1="$raw/fill-1.timeline"
f2="$raw/fill-2.timeline"
written2="$(jq -r '.keysWritten' "$raw/fill-2.json")"
first_rate="$(per_s "$tenth" 0 "$(time_at "$f1" "$tenth")")"
last_rate="$(per_s "$tenth" "$(time_at "$f2" $(( written2 - tenth )))" "$(time_at "$f2" "$written2")")"
degradation="$(ratio "$last_rate" "$first_rate")"

fill_header=$'part\tkeys\tseconds\twrites/s\twrite p50 ms\twrite p99 ms\terrors\tleader changes seen'
fill_table=""
for part in 1 2; do
  j="$raw/fill-$part.json"
  fill_table+="$(jq -r --arg p "$part" '[$p, "\(.fillFrom)..\(.fillTo - 1)", .elapsedSeconds, .throughput, .write.p50Ms,
      .write.p99Ms, .errorCount, .leaderChanges] | map(tostring) | join("\t")' "$j")"$'\n'
done
fill_table="${fill_table%$'\n'}"   # md_table fails on a trailing empty row

restart_header=$'data\tnode\trestart\tstop s\tHTTP up s\tready s\tfirst lin. read s\tentries replayed\trchar MiB at first read'
restart_table="$(awk -F'\t' 'NR > 1 { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ($1 == "half" ? "half (1st fill)" : "full (2nd fill)"),
    $2, $3, $4, $5, $6, $7, $8, ($9 == "n/a" ? "n/a" : sprintf("%.0f", $9 / 1048576)) }' "$restarts")"

rj="$raw/reads.json"
read_header=$'reads/s\tp50 ms\tp90 ms\tp99 ms\tp99.9 ms\tmax ms\treads\tfound no value\terrors'
read_table="$(jq -r '[.throughput, .read.p50Ms, .read.p90Ms, .read.p99Ms, .read.p999Ms, .read.maxMs, .read.count, .notFound,
    .errorCount] | map(tostring) | join("\t")' "$rj")"

point_header=$'point\tnode\trole\tapplied index\tVmRSS MiB\tRssAnon MiB\tRssFile MiB\tVmHWM MiB\theap used / max MiB\tdata dir MiB (allocated)\tkv/ MiB\tlog/ MiB\tkv/ files (layers)'
point_table="$(awk -F'\t' 'function m(b) { return b == "n/a" ? "n/a" : sprintf("%.0f", b / 1048576) }
  NR > 1 { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s / %s\t%s (%s)\t%s\t%s\t%s (%s)\n", $1, $2, $3, $4, m($6), m($7), m($8), m($9),
    m($10), m($11), m($12), m($13), m($14), m($15), $16, $17 }' "$points")"

peak_header=$'during\tnode\tsamples\tmax VmRSS MiB\tmax RssAnon MiB\tmax heap used MiB\tkv/ MiB at the last sample'
peak_table="$(awk -F, 'function m(b) { return b == "" ? "n/a" : sprintf("%.0f", b / 1048576) }
  NR > 1 { g = ($1 ~ /^fill/ ? "fills" : "catch-up") SUBSEP $3; if (!(g in cnt)) order[++k] = g; cnt[g]++
    if ($4 != "n/a" && $4 > rss[g]) rss[g] = $4; if ($5 != "n/a" && $5 > anon[g]) anon[g] = $5
    if ($8 != "n/a" && $8 > heap[g]) heap[g] = $8; kv[g] = $11 }
  END { for (j = 1; j <= k; j++) { g = order[j]; split(g, p, SUBSEP)
    printf "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", p[1], p[2], cnt[g], m(rss[g]), m(anon[g]), m(heap[g]), m(kv[g]) } }' "$samples")"

catchup_header=$'node\tin place of\toutcome\tleader commit index\tHTTP up s\tcaught up s\tsnapshots installed\tleader snapshots sent\tits snapshot bytes\trchar MiB\tdata dir MiB (allocated)\tkv/ MiB\tlog/ MiB\tVmRSS MiB\tRssAnon MiB\theap used MiB'
catchup_table=""
if [[ -f "$catchup" ]]; then
  catchup_table="$(awk -F'\t' 'function m(b) { return b == "n/a" ? "n/a" : sprintf("%.0f", b / 1048576) }
    NR > 1 { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9,
      m($10), m($11), m($12), m($13), m($14), m($15), m($16), m($19) }' "$catchup")"
fi

# The headline: the largest state a node held against its heap limit.
headline="$(awk -F'\t' 'NR > 1 && $1 == "full" { if ($14 > kv) kv = $14; if ($11 != "n/a" && $11 > hmax) hmax = $11 }
  END { if (hmax > 0) printf "kv/ %.0f MiB per node at the end of the fill = %.1f x the heap limit (%.0f MiB)", kv / 1048576, kv / hmax, hmax / 1048576;
        else printf "kv/ %.0f MiB per node at the end of the fill", kv / 1048576 }' "$points")"

{ printf '%s\n' "$fill_header"; printf '%s\n' "$fill_table"; } | column -t -s $'\t'
printf '\nwrites/s over the first 10%% of the keys: %s; over the last 10%%: %s (last/first %s)\n\n' "$first_rate" "$last_rate" "$degradation"
{ printf '%s\n' "$restart_header"; printf '%s\n' "$restart_table"; } | column -t -s $'\t'
echo
{ printf '%s\n' "$read_header"; printf '%s\n' "$read_table"; } | column -t -s $'\t'
echo
{ printf '%s\n' "$point_header"; printf '%s\n' "$point_table"; } | column -t -s $'\t'
echo
[[ -n "$catchup_table" ]] && { { printf '%s\n' "$catchup_header"; printf '%s\n' "$catchup_table"; } | column -t -s $'\t'; echo; }
printf '%s\n' "$headline"

# shellcheck disable=SC2016 # the backticks in these strings are markdown
{
  printf '# Data larger than the heap\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works (the data is far below the heap).**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Load average (1, 5, 15 min) at start: %s; at end: %s\n' "$LOAD_AT_START" "$load_end"
  printf -- '- 3 nodes (`bin/bellwether node`), mapdb storage, loopback; node JVM options: %s; node settings: %s\n' \
    "-Xmx256m -XX:+UseSerialGC ${NODE_JAVA_OPTS:-}" "$NODE_SETTINGS"
  printf -- '- Data: %s keys of %s B (`%s` + %s digits) with %s-byte values: %s MiB of keys and values\n' \
    "$KEYS" "$key_bytes" "$KEY_PREFIX" "$(( key_bytes - ${#KEY_PREFIX} ))" "$VALUE_SIZE" "$(mib "$state_bytes")"
  printf -- '- **%s**\n\n' "$headline"
  printf '## Fill\n\n'
  printf 'The load tool'"'"'s fill workload (`--workload fill`), %s connections to the leader, in two halves; every key written once.\n\n' "$CONNECTIONS"
  md_table "$fill_header" "$fill_table"
  printf '\nWrites/s over the first 10 %% of the keys (%s keys, from the first half'"'"'s timeline): **%s**; over the last 10 %% ' "$tenth" "$first_rate"
  printf '(from the second half'"'"'s): **%s**; last/first: **%s**.\n' "$last_rate" "$degradation"
  printf '\n## Restart-to-ready of a follower\n\n'
  printf 'SIGTERM, wait for the exit, start on the same data directory; seconds from just before the launch (JVM start '
  printf 'included), polled every 50 ms: HTTP up = first answer of any status; ready = first 200 on `/health/ready`; '
  printf 'first lin. read = first 200 of `GET /v1/kv/%s?consistency=linearizable` on that node. entries replayed = last index ' "$PROBE_KEY"
  printf 'minus snapshot index after the restart. rchar = bytes the new process had read through system calls by then '
  printf '(jar, log replay, peers): the baseline for the replaced follower below.\n\n'
  md_table "$restart_header" "$restart_table"
  printf '\n## Linearizable reads over the filled keys\n\n'
  printf '%s s (after a short warm-up), %s connections to the leader, keys drawn uniformly from all %s:\n\n' "$READ_SECONDS" \
    "$READ_CONNECTIONS" "$KEYS"
  md_table "$read_header" "$read_table"
  printf '\n## Memory and disk per node\n\n'
  printf 'VmRSS, RssAnon (heap and other anonymous memory), RssFile (mapped files: the layers, the jar) and VmHWM (peak '
  printf 'RSS) from `/proc/PID/status`; heap from the node'"'"'s `/metrics` (`jvm_memory_used_bytes` and `jvm_memory_max_bytes`, '
  printf 'area heap, summed over the pools); `du -sb` of the data directory (allocated: `du -s -B1`), of its `kv/` (the state: '
  printf 'layers `*.sst`, Bloom filters, manifests) and `log/` (the Raft log). MiB = 2^20 B.\n\n'
  md_table "$point_header" "$point_table"
  printf '\nThe largest figures sampled during the fills (every %s s) and the catch-up below (about every second; ' "$SAMPLE_EVERY"
  printf '`samples.csv` in raw/):\n\n'
  md_table "$peak_header" "$peak_table"
  if [[ -n "$catchup_table" ]]; then
    printf '\n## A follower that lost its disk: catch-up from nothing (CATCHUP=%s)\n\n' "$CATCHUP"
    if [[ "$CATCHUP" == replace ]]; then
      printf 'The follower stopped, its data directory deleted, and removed from the configuration; a node with a new id and '
      printf 'an empty data directory joins with `--join` (docs/operations.md, "Replace a dead node"). '
    else
      printf 'The follower stopped and its data directory deleted; the first keys written again until the leader'"'"'s log no '
      printf 'longer holds what the follower had (see raw/wipe-rewrite-*.json); the follower started again, empty, under its '
      printf 'old id. '
    fi
    printf 'caught up = its applied index reached the leader'"'"'s commit index of the moment before its launch. Seconds from '
    printf 'just before the launch. rchar = bytes it read through system calls until then (the transfer from the leader, plus '
    printf 'what a start reads: compare the restarts above); its snapshot bytes = its `/v1/cluster` `snapshot.bytes` afterwards.\n\n'
    md_table "$catchup_header" "$catchup_table"
    for f in "$raw"/exited-*-errors.log; do
      [[ -s "$f" ]] || continue
      printf '\nA node exited; the first errors in its log (%s):\n\n```\n%s\n```\n' "raw/$(basename "$f")" "$(cut -c1-300 "$f")"
    done
  fi
} >"$RESULTS_DIR/summary.md"
NODE_SETTINGS="$user_settings"
manifest_write "$COMMAND" "keys: $KEYS" "value size: $VALUE_SIZE" "node settings: kv.state=mapdb${user_settings:+ $user_settings}"
log "done: $RESULTS_DIR/summary.md"
