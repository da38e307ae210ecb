#!/usr/bin/env bash
# coordination.sh: what watches and leases cost. On one 3-node cluster:
#   watch-N          `bellwether-bench watch --watchers N` for each N in WATCHERS: N SSE watch streams
#                    of one prefix (round-robin over the nodes) under a closed-loop write load on it;
#                    writes/s, events/s delivered, completeness (missing/duplicate events: must be 0),
#                    delay from each write's acknowledgement to its event at each watcher, catch-up
#   read-linearizable  linearizable reads on the leader (`load --workload read`, keys preloaded)
#   keepalive        lease keepalives on the leader (`load --workload keepalive`: LEASES leases granted
#                    with a TTL of 600 s, then each request keeps a random one alive)
# For each case the CPU time of every node (utime+stime from /proc/PID/stat) and of the load tool is
# sampled every 0.2 s and taken over the measured window, as in reads.sh; the leader's CPU per
# operation gives the cost of a keepalive against that of the linearizable read it contains.
#
# Usage: benchmarks/scripts/coordination.sh            (QUICK=1 for a short try; --help for this text)
# Environment (defaults in brackets; QUICK=1 changes the starred ones):
#   DURATION [20]* WARMUP [5]* measured and warm-up seconds of each case
#   CONNECTIONS [16] WATCHERS ["1 10 100"] KEYS [1000] LEASES [1000] VALUE_SIZE [100] SEED [42]
#   CASES ["watch read-linearizable keepalive"] ("watch" runs one case per WATCHERS entry)
#   NODES [3]; BELLWETHER_JAR BELLWETHER_BENCH_JAR NODE_JAVA_OPTS NODE_SETTINGS READY_TIMEOUT
#   RESULTS_DIR KEEP_WORK: see lib.sh
# Output: a table on stdout; in benchmarks/results/<UTC time>-coordination[-quick]/, summary.md (the
# tables, the command, the machine, the load average before each case) and manifest.txt (date, commit,
# command, machine, versions, checksums of the raw files), to commit; raw/ (not committed):
# results.tsv, and per case the load tool's JSON, log and timeline and the CPU samples; the nodes' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then
  DURATION="${DURATION:-5}" WARMUP="${WARMUP:-2}"
fi
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-16}"
WATCHERS="${WATCHERS:-1 10 100}"
KEYS="${KEYS:-1000}"
LEASES="${LEASES:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
NODES="${NODES:-3}"
CASES="${CASES:-watch read-linearizable keepalive}"
SEED="${SEED:-42}"

lib_init coordination
require_tools curl jq awk java column
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS WATCHERS='$WATCHERS' KEYS=$KEYS"
COMMAND+=" LEASES=$LEASES VALUE_SIZE=$VALUE_SIZE NODES=$NODES CASES='$CASES' SEED=$SEED benchmarks/scripts/coordination.sh"
raw="$RAW_DIR"

log "starting a $NODES-node cluster"
cluster_start bellwether "$NODES"
endpoints="$(cluster_endpoints)"
log "cluster ready: ${MEMBER_URLS[*]}; leader ${MEMBER_NAMES[$(cluster_leader)]}"

common=(--target bellwether --endpoints "$endpoints" --value-size "$VALUE_SIZE" --seed "$SEED")

# Warm the nodes up (JIT) outside any measured case: writes, then reads of the keys they wrote.
log "warming up"
run_bench load "${common[@]}" --keys "$KEYS" --key-prefix bench/ --workload mixed --read-fraction 0.5 \
  --connections "$CONNECTIONS" --duration "${WARMUP}s" --warmup 0s --preload \
  --json "$raw/warmup.json" >"$raw/warmup.log" 2>&1 \
  || { tail -n 20 "$raw/warmup.log" >&2; die "warm-up run failed (see $raw/warmup.log)"; }

tsv="$raw/results.tsv"
printf 'case\twatchers\tleader\tleader_changed\tload_avg_1m\twindow\tops_per_s\tevents_per_s\tdelivery_ratio\tcomplete_watchers\tmissing\tduplicates\tdropped\tdelay_p50_ms\tdelay_p99_ms\tdelay_max_ms\tbefore_ack\tcatch_up_ms\tp50_ms\tp99_ms\terrors\tleader_cpu_s\tfollowers_cpu_s\ttool_cpu_s\tmachine_busy_s\trc\n' >"$tsv"
load_lines=()

# run_case NAME WATCHERS TOOL-ARGS...: one run of the load tool with CPU sampling; a row in results.tsv.
run_case() {
  local name=$1 watchers=$2 json logf samples before_leader after_leader rc=0 tool sampler i la
  shift 2
  json="$raw/$name.json" logf="$raw/$name.log" samples="$raw/$name.cpu"
  la="$(cut -d' ' -f1 /proc/loadavg)"
  load_lines+=("load average (1 min) before $name: $la")
  before_leader="$(cluster_leader || echo -1)"
  log "$name: $*"
  start_bench "$@" --json "$json" --timeline "$raw/$name.timeline" >"$logf" 2>&1
  tool=$BENCH_PID
  cpu_sampler "$samples" "$tool" "$logf" "bellwether-bench: running " &
  sampler=$!
  wait "$tool" || rc=$?
  forget_pid "$tool"
  wait "$sampler" || true
  # watch exits 1 when a watcher missed or repeated an event: that is a result, kept in the table.
  if [[ ! -s "$json" ]]; then tail -n 20 "$logf" >&2; die "load tool failed in case $name (see $logf)"; fi
  for i in "${!MEMBER_PIDS[@]}"; do
    [[ -n "$(proc_ticks "${MEMBER_PIDS[i]}")" ]] || die "node ${MEMBER_NAMES[i]} died during case $name"
  done
  after_leader="$(cluster_leader || echo -1)"
  (( after_leader >= 0 )) || die "no leader after case $name"
  local mark w leader_cpu=0 followers_cpu=0 tool_cpu=0 busy=0 window=measured
  mark="$(awk '$1 == "mark" { print $2; exit }' "$samples")"
  if [[ -n "$mark" ]]; then
    read -r -a w <<<"$(window_ticks "$samples" "$(awk -v m="$mark" -v d="$WARMUP" 'BEGIN { printf "%.6f", m + d }')" \
      "$(awk -v m="$mark" -v d="$WARMUP" -v l="$DURATION" 'BEGIN { printf "%.6f", m + d + l }')")"
    tool_cpu=${w[0]} busy=${w[${#w[@]} - 1]}
    for i in "${!MEMBER_PIDS[@]}"; do
      if (( i == after_leader )); then leader_cpu=${w[i + 1]}
      else followers_cpu="$(awk -v a="$followers_cpu" -v b="${w[i + 1]}" 'BEGIN { print a + b }')"; fi
    done
  else
    window=none
    log "the load tool's start line was not seen in $name: no CPU figures"
  fi
  jq -r --arg name "$name" --arg watchers "$watchers" --arg leader "${MEMBER_NAMES[after_leader]}" \
    --arg changed "$([[ "$before_leader" == "$after_leader" ]] && echo no || echo yes)" --arg la "$la" \
    --arg window "$window" --argjson hz "$CLK_TCK" --argjson lc "$leader_cpu" --argjson fc "$followers_cpu" \
    --argjson tc "$tool_cpu" --argjson mb "$busy" --arg rc "$rc" '
    def r2: . * 100 | round / 100;
    (if has("load") then .load else . end) as $l
    | ($l.errors // {} | to_entries | map(.value) | add // 0) as $errs
    | [ $name, $watchers, $leader, $changed, $la, $window, $l.throughput,
        (.eventsPerSecond // ""), (.deliveryRatio // ""), (.completeWatchers // ""), (.missing // ""),
        (.duplicates // ""), (if has("dropped") then (.dropped | to_entries | map(.value) | add // 0) else "" end),
        (.delay.p50Ms // ""), (.delay.p99Ms // ""), (.delay.maxMs // ""), (.eventsBeforeAck // ""),
        (if has("catchUpMs") then (.catchUpMs // "not reached") else "" end),
        (if has("load") then $l.write.p50Ms else $l.read.p50Ms end),
        (if has("load") then $l.write.p99Ms else $l.read.p99Ms end), $errs,
        ($lc / $hz | r2), ($fc / $hz | r2), ($tc / $hz | r2), ($mb / $hz | r2), $rc ] | @tsv' "$json" >>"$tsv"
}

for c in $CASES; do
  case "$c" in
    watch)
      for n in $WATCHERS; do
        run_case "watch-$n" "$n" watch "${common[@]}" --keys "$KEYS" --key-prefix watch/ --watchers "$n" \
          --connections "$CONNECTIONS" --duration "${DURATION}s" --warmup "${WARMUP}s"
      done ;;
    read-linearizable)
      run_case read-linearizable "" load "${common[@]}" --keys "$KEYS" --key-prefix bench/ --workload read \
        --read-from leader --consistency linearizable --connections "$CONNECTIONS" --duration "${DURATION}s" \
        --warmup "${WARMUP}s" ;;
    keepalive)
      run_case keepalive "" load "${common[@]}" --keys "$LEASES" --workload keepalive --read-from leader \
        --connections "$CONNECTIONS" --duration "${DURATION}s" --warmup "${WARMUP}s" ;;
    *) die "unknown case '$c' (CASES: watch read-linearizable keepalive)" ;;
  esac
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
cluster_stop

# Watch table: one row per watch case. CPU as % of one core over the measured window.
watch_header=$'case\tleader\tload avg\twrites/s\tevents/s\tevents per write and watcher\tcomplete watchers\tmissing\tduplicates\tdropped\tdelay p50 ms\tdelay p99 ms\tdelay max ms\tevents before ack\tcatch-up ms\twrite p99 ms\terrors\tleader CPU\tfollowers CPU\ttool CPU\tother procs'
watch_table="$(awk -F'\t' -v d="$DURATION" '
  NR == 1 || $1 !~ /^watch-/ { next }
  {
    other = $25 - $22 - $23 - $24; if (other < 0) other = 0
    printf "%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s/%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f%%\n",
      $1, $3 ($4 == "yes" ? "*" : ""), $5, $7, $8, $9, $10, $2, $11, $12, $13, $14, $15, $16, $17, $18, $20, $21,
      100 * $22 / d, 100 * $23 / d, 100 * $24 / d, 100 * other / d
  }' "$tsv")"
# Lease table: keepalives against linearizable reads; leader CPU per operation.
lease_header=$'case\tleader\tload avg\tops/s\tp50 ms\tp99 ms\terrors\tleader CPU\tfollowers CPU\ttool CPU\tother procs\tleader CPU us/op\tnodes CPU us/op'
lease_table="$(awk -F'\t' -v d="$DURATION" '
  NR == 1 || $1 ~ /^watch-/ { next }
  {
    other = $25 - $22 - $23 - $24; if (other < 0) other = 0
    printf "%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f%%\t%.0f\t%.0f\n",
      $1, $3 ($4 == "yes" ? "*" : ""), $5, $7, $19, $20, $21,
      100 * $22 / d, 100 * $23 / d, 100 * $24 / d, 100 * other / d,
      ($7 > 0 ? 1e6 * ($22 / d) / $7 : 0), ($7 > 0 ? 1e6 * (($22 + $23) / d) / $7 : 0)
  }' "$tsv")"
# What 10,000 leases kept alive every TTL/3 at TTL 10 s cost the leader: 3,000 keepalives/s.
lease_cost="$(awk -F'\t' -v d="$DURATION" '$1 == "keepalive" && $7 > 0 {
  us = 1e6 * ($22 / d) / $7; printf "%.0f µs of leader CPU per keepalive: 10,000 leases kept alive every TTL/3 at TTL 10 s (3,000 keepalives/s) cost %.0f %% of one core on the leader", us, 100 * 3000 * us / 1e6 }' "$tsv")"

{
  [[ -n "$watch_table" ]] && { printf '%s\n%s\n\n' "$watch_header" "$watch_table" | column -t -s $'\t'; }
  [[ -n "$lease_table" ]] && { printf '%s\n%s\n\n' "$lease_header" "$lease_table" | column -t -s $'\t'; }
  [[ -n "$lease_cost" ]] && printf '%s\n' "$lease_cost"
  printf 'CPU: %% of one core over the measured %s s (2 cores = 200 %%). Raw: %s\n' "$DURATION" "$raw"
}

{
  printf '# Watches and leases: fan-out, keepalive cost\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Load average (1, 5, 15 min) at start: %s; at end: %s\n' "$LOAD_AT_START" "$load_end"
  for l in "${load_lines[@]}"; do printf -- '- %s\n' "${l^}"; done
  printf -- '- Cluster: %s nodes, mapdb storage, vertx transport, loopback; node settings: %s\n' "$NODES" "${NODE_SETTINGS:-defaults}"
  printf -- '- Load: %s connections, closed loop, %s-byte values, warm-up %ss + %ss measured per case\n\n' \
    "$CONNECTIONS" "$VALUE_SIZE" "$WARMUP" "$DURATION"
  if [[ -n "$watch_table" ]]; then
    printf '## Watch fan-out\n\n'
    md_table "$watch_header" "$watch_table"
    printf '\n- `bellwether-bench watch`: the watchers are SSE streams of prefix `watch/` spread round-robin over the nodes; the writes (%s keys) go to the leader.\n' "$KEYS"
    printf -- '- events/s: events delivered in total, all watchers, for the writes acknowledged in the measured window; "events per write and watcher" is 1 when none is missing.\n'
    printf -- '- complete watchers: watchers that got every write acknowledged while they were open (warm-up included) exactly once and in log order; missing, duplicates: summed over the watchers; dropped: streams the node ended (e.g. SLOW_CONSUMER).\n'
    printf -- '- delay: from the write'"'"'s acknowledgement at the load tool to its event at a watcher, over all (watcher, event) pairs; an event that arrived before the acknowledgement counts as 0 ("events before ack").\n'
    printf -- '- catch-up: from the last acknowledgement to the slowest watcher'"'"'s event of the last acknowledged write.\n\n'
  fi
  if [[ -n "$lease_table" ]]; then
    printf '## Keepalives against linearizable reads\n\n'
    md_table "$lease_header" "$lease_table"
    printf '\n- read-linearizable: `load --workload read --read-from leader --consistency linearizable` over %s keys; keepalive: `load --workload keepalive --read-from leader` over %s leases (TTL 600 s).\n' "$KEYS" "$LEASES"
    printf -- '- leader CPU us/op: leader CPU per second of the window / operations per second; nodes: the 3 nodes together.\n'
    [[ -n "$lease_cost" ]] && printf -- '- %s.\n' "$lease_cost"
  fi
  printf -- '- CPU: utime+stime of each node and of the load tool (/proc/PID/stat), and the machine'"'"'s busy time (/proc/stat), sampled every 0.2 s and interpolated over the measured window, as %% of one core (2 cores = 200 %%); "other procs": the rest of the machine, above a few %% the figures are disturbed.\n'
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND" "${load_lines[@]}"
log "done: $RESULTS_DIR/summary.md"
