#!/usr/bin/env bash
# reads.sh: the follower-read measurement. Read throughput, latency and CPU per node on a 3-node cluster for
#   leader-linearizable  linearizable reads sent only to the leader
#   all-linearizable     linearizable reads spread over all nodes (followers use ReadIndex)
#   leader-lease         lease reads on the leader
#   all-stale            stale reads spread over all nodes
# One cluster serves every case, in that order (ROUNDS times). For each case the CPU time of every
# node (utime+stime from /proc/PID/stat) and of the load tool (this shell's waited-for children) is
# read before and after the load tool's run; the machine's busy time comes from /proc/stat.
#
# Usage: benchmarks/scripts/reads.sh            (QUICK=1 for a short try; --help for this text)
# Environment (defaults in brackets; QUICK=1 changes the starred ones):
#   DURATION [30]* WARMUP [5]* measured and warm-up seconds of each case
#   CONNECTIONS [32]* KEYS [1000] VALUE_SIZE [100] RATE [0 = closed loop] ROUNDS [1] SEED [42]
#   CASES ["leader-linearizable all-linearizable leader-lease all-stale"]
#   NODES [3]; BELLWETHER_JAR BELLWETHER_BENCH_JAR NODE_JAVA_OPTS NODE_SETTINGS READY_TIMEOUT
#   RESULTS_DIR KEEP_WORK: see lib.sh
# Output: a table on stdout; in benchmarks/results/<UTC time>-reads[-quick]/, summary.md (the
# table, the command, the machine) and manifest.txt (date, commit, command, machine, versions,
# checksums of the raw files), to commit; raw/ (not committed): results.tsv, and per case the load
# tool's JSON, log and timeline and the CPU samples; the nodes' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then
  DURATION="${DURATION:-8}" WARMUP="${WARMUP:-2}" CONNECTIONS="${CONNECTIONS:-16}"
fi
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-32}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
RATE="${RATE:-0}"
ROUNDS="${ROUNDS:-1}"
NODES="${NODES:-3}"
CASES="${CASES:-leader-linearizable all-linearizable leader-lease all-stale}"
SEED="${SEED:-42}"

lib_init reads
require_tools curl jq awk ps java column
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE"
COMMAND+=" RATE=$RATE ROUNDS=$ROUNDS NODES=$NODES CASES='$CASES' SEED=$SEED benchmarks/scripts/reads.sh"
raw="$RAW_DIR"

log "starting a $NODES-node cluster"
cluster_start bellwether "$NODES"
endpoints="$(cluster_endpoints)"
leader="$(cluster_leader)"
log "cluster ready: ${MEMBER_URLS[*]}; leader ${MEMBER_NAMES[leader]}"

common=(--target bellwether --endpoints "$endpoints" --keys "$KEYS" --value-size "$VALUE_SIZE"
  --key-prefix bench/ --seed "$SEED")

# Preload the keys and warm the nodes up (JIT), outside any measured case.
log "preloading $KEYS keys and warming up"
run_bench load "${common[@]}" --workload read --read-from all --consistency linearizable \
  --connections "$CONNECTIONS" --rate 0 --duration "${DURATION}s" --warmup 0s --preload \
  --json "$raw/preload.json" >"$raw/preload.log" 2>&1 \
  || { tail -n 20 "$raw/preload.log" >&2; die "preload run failed (see $raw/preload.log)"; }

tsv="$raw/results.tsv"
printf 'round\tcase\tread_from\tconsistency\tleader\tleader_changed\tcpu_window\twindow_s\tops\tthroughput\tp50_ms\tp90_ms\tp99_ms\tp999_ms\tmax_ms\terrors\tnot_found\tleader_cpu_s\tfollowers_cpu_s\ttool_cpu_s\tmachine_busy_s\tnode_cpu_s\trun_wall_s\trun_leader_cpu_s\trun_followers_cpu_s\trun_tool_cpu_s\trun_machine_busy_s\treads_served\n' >"$tsv"

# Seconds with 2 decimals from clock ticks.
secs() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }

run_case() {
  local round=$1 name=$2 from consistency before_leader after_leader i wall json logf samples
  case "$name" in
    leader-linearizable) from=leader consistency=linearizable ;;
    all-linearizable) from=all consistency=linearizable ;;
    leader-lease) from=leader consistency=lease ;;
    all-stale) from=all consistency=stale ;;
    followers-linearizable) from=followers consistency=linearizable ;;
    followers-stale) from=followers consistency=stale ;;
    *) die "unknown case '$name'" ;;
  esac
  json="$raw/r${round}-$name.json"
  logf="$raw/r${round}-$name.log"
  samples="$raw/r${round}-$name.cpu"
  before_leader="$(cluster_leader || echo -1)"
  local -a t0 t1
  local c0 c1 m0 m1 start tool sampler rc=0
  local -a g0 g1
  for i in "${!MEMBER_PIDS[@]}"; do g0[i]="$(bw_reads_served "$i")"; done
  for i in "${!MEMBER_PIDS[@]}"; do t0[i]="$(proc_ticks "${MEMBER_PIDS[i]}")"; done
  c0="$(waited_children_ticks)"; machine_busy_var m0; start=$EPOCHREALTIME
  log "round $round: $name (--read-from $from --consistency $consistency), ${WARMUP}s + ${DURATION}s"
  # In the background (bin/bellwether-bench execs java, so BENCH_PID is the load tool's JVM).
  start_bench load "${common[@]}" --workload read --read-from "$from" --consistency "$consistency" \
    --connections "$CONNECTIONS" --rate "$RATE" --duration "${DURATION}s" --warmup "${WARMUP}s" \
    --json "$json" --timeline "$raw/r${round}-$name.timeline" >"$logf" 2>&1
  tool=$BENCH_PID
  cpu_sampler "$samples" "$tool" "$logf" "bellwether-bench: running " &
  sampler=$!
  wait "$tool" || rc=$?
  wall="$(elapsed "$start")"
  c1="$(waited_children_ticks)"; machine_busy_var m1   # before the sampler is reaped: not its CPU
  forget_pid "$tool"
  wait "$sampler" || true
  if (( rc != 0 )); then tail -n 20 "$logf" >&2; die "load tool failed in case $name (see $logf)"; fi
  for i in "${!MEMBER_PIDS[@]}"; do
    t1[i]="$(proc_ticks "${MEMBER_PIDS[i]}")"
    [[ -n "${t1[i]}" ]] || die "node ${MEMBER_NAMES[i]} died during case $name"
  done
  after_leader="$(cluster_leader || echo -1)"
  (( after_leader >= 0 )) || die "no leader after case $name"
  # Which node served the reads (whole run, from each node's own request counter).
  local served="" served_total=0
  for i in "${!MEMBER_PIDS[@]}"; do g1[i]=$(( $(bw_reads_served "$i") - g0[i] )); served_total=$(( served_total + g1[i] )); done
  for i in "${!MEMBER_PIDS[@]}"; do
    served+="${MEMBER_NAMES[i]}=$(( served_total > 0 ? (100 * g1[i] + served_total / 2) / served_total : 0 ))% "
  done

  # Whole run (before/after the load tool: its JVM start and warm-up included).
  local run_leader=0 run_followers=0
  for i in "${!MEMBER_PIDS[@]}"; do
    if (( i == after_leader )); then run_leader=$(( t1[i] - t0[i] )); else run_followers=$(( run_followers + t1[i] - t0[i] )); fi
  done
  # Measured window: from the tool's "running" line plus the warm-up, for DURATION seconds, from the
  # 0.2 s samples; the whole run when the line was not seen.
  local mark window window_s w leader_cpu=0 followers_cpu=0 tool_cpu busy per_node=""
  mark="$(awk '$1 == "mark" { print $2; exit }' "$samples")"
  if [[ -n "$mark" ]]; then
    window=measured window_s=$DURATION
    read -r -a w <<<"$(window_ticks "$samples" "$(awk -v m="$mark" -v d="$WARMUP" 'BEGIN { printf "%.6f", m + d }')" \
      "$(awk -v m="$mark" -v d="$WARMUP" -v l="$DURATION" 'BEGIN { printf "%.6f", m + d + l }')")"
    tool_cpu=${w[0]} busy=${w[${#w[@]} - 1]}
    for i in "${!MEMBER_PIDS[@]}"; do
      if (( i == after_leader )); then leader_cpu=${w[i + 1]}; else followers_cpu="$(awk -v a="$followers_cpu" -v b="${w[i + 1]}" 'BEGIN { print a + b }')"; fi
      per_node+="${MEMBER_NAMES[i]}=$(secs "${w[i + 1]}") "
    done
  else
    log "the load tool's start line was not seen; CPU over the whole run"
    window=whole-run window_s=$wall tool_cpu=$(( c1 - c0 )) busy=$(( m1 - m0 ))
    leader_cpu=$run_leader followers_cpu=$run_followers
    for i in "${!MEMBER_PIDS[@]}"; do per_node+="${MEMBER_NAMES[i]}=$(secs $(( t1[i] - t0[i] ))) "; done
  fi
  jq -r --arg round "$round" --arg name "$name" --arg from "$from" --arg cons "$consistency" \
    --arg leader "${MEMBER_NAMES[after_leader]}" --arg changed "$([[ "$before_leader" == "$after_leader" ]] && echo no || echo yes)" \
    --arg window "$window" --argjson window_s "$window_s" --arg wall "$wall" --argjson hz "$CLK_TCK" \
    --argjson lc "$leader_cpu" --argjson fc "$followers_cpu" --argjson tc "$tool_cpu" --argjson mb "$busy" \
    --argjson rlc "$run_leader" --argjson rfc "$run_followers" --argjson rtc $(( c1 - c0 )) --argjson rmb $(( m1 - m0 )) \
    --arg pernode "${per_node% }" --arg served "${served% }" '
    def r2: . * 100 | round / 100;
    [ $round, $name, $from, $cons, $leader, $changed, $window, $window_s, .ops, .throughput,
      .read.p50Ms, .read.p90Ms, .read.p99Ms, .read.p999Ms, .read.maxMs,
      ([.errors // {} | to_entries[] | .value] | add // 0), (.notFound // 0),
      ($lc / $hz | r2), ($fc / $hz | r2), ($tc / $hz | r2), ($mb / $hz | r2), $pernode,
      $wall, ($rlc / $hz | r2), ($rfc / $hz | r2), ($rtc / $hz | r2), ($rmb / $hz | r2), $served ] | @tsv' "$json" >>"$tsv"
}

for ((round = 1; round <= ROUNDS; round++)); do
  for name in $CASES; do run_case "$round" "$name"; done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
cluster_stop

# Derived columns: CPU % of one core over the case's wall time, and shares of the CPU used by the
# nodes plus the load tool; leader CPU per read.
table="$(awk -F'\t' '
  NR == 1 { next }
  {
    ws = $8; tput = $10; lc = $18; fc = $19; tc = $20; mb = $21; total = lc + fc + tc
    other = mb - total; if (other < 0) other = 0
    printf "%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%s\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f\t%s\n",
      $1, $2, $5 ($6 == "yes" ? "*" : ""), tput, $11, $13, $14, $16 + $17, $28,
      100 * lc / ws, 100 * fc / ws, 100 * tc / ws,
      100 * lc / total, 100 * fc / total, 100 * tc / total, 100 * other / ws,
      (tput > 0 ? 1e6 * (lc / ws) / tput : 0), $22 ($7 == "measured" ? "" : " (whole run)")
  }' "$tsv")"
header=$'round\tcase\tleader\treads/s\tp50 ms\tp99 ms\tp99.9 ms\terrors + not found\treads served by\tleader CPU\tfollowers CPU\ttool CPU\tleader share\tfollowers share\ttool share\tother procs CPU\tleader CPU us/read\tCPU s per node (window)'

{
  printf '%s\n' "$header"
  printf '%s\n' "$table"
} | column -t -s $'\t'
printf '\nCPU columns: %% of one core over the measured %ss (2 cores = 200%%); shares: of the CPU used by the %s nodes plus the load tool.\n' "$DURATION" "$NODES"
printf 'A * after the leader means leadership changed during the case. Raw: %s\n' "$raw"

{
  printf '# Reads: linearizable, lease and stale, leader only or spread\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Load average (1, 5, 15 min) at start: %s; at end: %s\n' "$LOAD_AT_START" "$load_end"
  printf -- '- Cluster: %s nodes, mapdb storage, vertx transport, loopback; node settings: %s\n' "$NODES" "${NODE_SETTINGS:-defaults}"
  printf -- '- Load: %s connections, rate %s (0 = closed loop), %s keys of %s B, warm-up %ss + %ss measured per case\n\n' \
    "$CONNECTIONS" "$RATE" "$KEYS" "$VALUE_SIZE" "$WARMUP" "$DURATION"
  md_table "$header" "$table"
  printf '\n- reads/s and latencies: the load tool, measured part only (after warm-up).\n'
  printf -- '- CPU: utime+stime of each node and of the load tool (/proc/PID/stat), and the machine'"'"'s busy time (/proc/stat), '
  printf 'sampled every 0.2 s and interpolated over the measured window (from the tool'"'"'s "running" line plus the warm-up, for the measured seconds), '
  printf 'as %% of one core (2 cores = 200 %%). The whole run (before/after the tool, its JVM start and warm-up included) is in raw/results.tsv (run_* columns). '
  printf 'Shares: of the CPU used by the nodes plus the load tool. '
  printf '"other procs": the rest of the machine (/proc/stat busy minus ours); anything above a few %% means the figures are disturbed.\n'
  printf -- '- reads served by: share of GET /v1/kv requests each node answered during the case (warm-up included), from its own metrics (bellwether_http_requests_seconds_count, route kv_get).\n'
  printf -- '- leader CPU us/read: leader CPU per second of wall time divided by reads per second.\n'
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND"
log "done: $RESULTS_DIR/summary.md"
