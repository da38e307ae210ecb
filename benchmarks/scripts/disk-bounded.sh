#!/usr/bin/env bash
# disk-bounded.sh: the snapshot work's first measurement. Disk used by each node while a cluster takes
# continuous writes over a fixed key set: with snapshots and log compaction it must stay bounded.
#
# Starts a cluster (3 nodes by default), runs the load tool (writes only, closed loop, to the leader)
# for the whole duration, and every SAMPLE_EVERY seconds records for each node `du -sb` of its data
# directory (apparent bytes, as asked) and `du -s -B1` (allocated bytes), with its first, last and
# snapshot index from GET /v1/cluster.
#
# Usage: benchmarks/scripts/disk-bounded.sh [DURATION_SECONDS]     (default 600; QUICK=1: 60; --help)
# Environment (defaults in brackets):
#   DURATION [600] SAMPLE_EVERY [10] NODES [3] CONNECTIONS [32] KEYS [1000] VALUE_SIZE [100] RATE [0]
#   SNAPSHOTS [on]: off sets snapshot.entries and snapshot.bytes so high that no snapshot is taken
#     (the contrast: what the disk does without compaction)
#   SEED [42]; NODE_SETTINGS (e.g. "snapshot.entries=5000"), NODE_JAVA_OPTS, BELLWETHER_JAR,
#   BELLWETHER_BENCH_JAR, READY_TIMEOUT, RESULTS_DIR, KEEP_WORK: see lib.sh
# Output: a table of min/max/last per node; in benchmarks/results/<UTC time>-disk-bounded[-nosnap][-quick]/,
# summary.md (the table, the command, the machine), samples.csv (every sample: small, and the
# evidence) and manifest.txt (date, commit, command, machine, versions, checksums of the raw
# files), to commit; raw/ (not committed): the load tool's JSON, log and timeline, the nodes' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
DURATION="${1:-${DURATION:-$([[ "$QUICK" == 1 ]] && echo 60 || echo 600)}}"
SAMPLE_EVERY="${SAMPLE_EVERY:-10}"
NODES="${NODES:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
RATE="${RATE:-0}"
SNAPSHOTS="${SNAPSHOTS:-on}"
SEED="${SEED:-42}"
[[ "$DURATION" =~ ^[0-9]+$ ]] || die "duration must be whole seconds, got '$DURATION'"
if [[ "$SNAPSHOTS" == off ]]; then
  NODE_SETTINGS="${NODE_SETTINGS:-} snapshot.entries=1000000000000 snapshot.bytes=1000000000000000"
fi

if [[ "$SNAPSHOTS" == off ]]; then lib_init disk-bounded-nosnap; else lib_init disk-bounded; fi
require_tools curl jq awk ps du java column
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK SNAPSHOTS=$SNAPSHOTS SAMPLE_EVERY=$SAMPLE_EVERY NODES=$NODES CONNECTIONS=$CONNECTIONS KEYS=$KEYS"
COMMAND+=" VALUE_SIZE=$VALUE_SIZE RATE=$RATE SEED=$SEED benchmarks/scripts/disk-bounded.sh $DURATION"
raw="$RAW_DIR"

log "starting a $NODES-node cluster (snapshots $SNAPSHOTS)"
cluster_start bellwether "$NODES"
endpoints="$(cluster_endpoints)"
log "cluster ready: ${MEMBER_URLS[*]}; leader $(cluster_leader_name)"

csv="$RESULTS_DIR/samples.csv"
printf 'elapsed_s,node,du_apparent_bytes,du_allocated_bytes,first_index,last_index,applied_index,snapshot_index,snapshots_taken,term\n' >"$csv"

sample() {
  local elapsed=$1 i du json
  for i in "${!MEMBER_NAMES[@]}"; do
    du="$(du_bytes "${MEMBER_DIRS[i]}")"
    json="$(bw_status "$i")"
    printf '%s,%s,%s,%s,%s\n' "$elapsed" "${MEMBER_NAMES[i]}" "${du% *}" "${du#* }" \
      "$(jq -r '[.firstIndex, .lastIndex, .appliedIndex, .snapshot.index, .snapshot.taken, .term] | map(. // "") | join(",")' <<<"$json")" >>"$csv"
  done
}

log "writing for ${DURATION}s over $KEYS keys of $VALUE_SIZE B with $CONNECTIONS connections; a sample every ${SAMPLE_EVERY}s"
start=$EPOCHREALTIME
sample 0
start_bench load --target bellwether --endpoints "$endpoints" --workload write --write-to leader \
  --connections "$CONNECTIONS" --rate "$RATE" --duration "${DURATION}s" --warmup 0s \
  --keys "$KEYS" --value-size "$VALUE_SIZE" --key-prefix bench/ --seed "$SEED" \
  --json "$raw/load.json" --timeline "$raw/load.timeline" >"$raw/load.log" 2>&1
bench_pid=$BENCH_PID
next=$SAMPLE_EVERY
while kill -0 "$bench_pid" 2>/dev/null; do
  # Sleep until the next sample is due or the load tool has exited, whichever comes first.
  while kill -0 "$bench_pid" 2>/dev/null && awk -v s="$start" -v n="$next" -v now="$EPOCHREALTIME" 'BEGIN { exit !(now - s < n) }'; do
    sleep 0.2
  done
  kill -0 "$bench_pid" 2>/dev/null || break
  sample "$next"
  for i in "${!MEMBER_NAMES[@]}"; do member_alive "$i" || die "node ${MEMBER_NAMES[i]} died (log: ${MEMBER_LOGS[i]})"; done
  next=$(( next + SAMPLE_EVERY ))
done
bench_rc=0
wait "$bench_pid" || bench_rc=$?
forget_pid "$bench_pid"
wall="$(elapsed "$start")"
sample "$(printf '%.0f' "$wall")"
(( bench_rc == 0 )) || { tail -n 20 "$raw/load.log" >&2; die "load tool failed (rc $bench_rc, see $raw/load.log)"; }
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
cluster_stop

# Per node, for du -sb (apparent) and du -s -B1 (allocated): min, max and last; and the largest
# allocated size in the first and in the second half of the run (a store that keeps growing has a
# larger second half); the index range it holds at the end.
summary="$(awk -F, -v half="$(( DURATION / 2 ))" '
  function mib(b) { return sprintf("%.2f", b / 1048576) }
  NR == 1 { next }
  {
    n = $2; b = $3; a = $4
    if (!(n in min)) { order[++k] = n; min[n] = b; max[n] = b; amin[n] = a; amax[n] = a; h1[n] = 0; h2[n] = 0 }
    if (b < min[n]) min[n] = b
    if (b > max[n]) max[n] = b
    if (a < amin[n]) amin[n] = a
    if (a > amax[n]) amax[n] = a
    if ($1 <= half) { if (a > h1[n]) h1[n] = a } else { if (a > h2[n]) h2[n] = a }
    last[n] = b; alast[n] = a; first[n] = $5; lastidx[n] = $6; snap[n] = $8; taken[n] = $9
  }
  END {
    for (j = 1; j <= k; j++) {
      n = order[j]
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n, mib(min[n]), mib(max[n]), mib(last[n]),
        mib(amin[n]), mib(amax[n]), mib(alast[n]), mib(h1[n]), mib(h2[n]),
        (h1[n] > 0 ? sprintf("%.2f", h2[n] / h1[n]) : "-"), first[n], lastidx[n], snap[n] "/" taken[n]
    }
  }' "$csv")"
header=$'node\tdu -sb min MiB\tdu -sb max MiB\tdu -sb last MiB\tallocated min MiB\tallocated max MiB\tallocated last MiB\tallocated max 1st half\tallocated max 2nd half\t2nd/1st\tfirst index\tlast index\tsnapshot index/taken'
ops="$(jq -r '.ops' "$raw/load.json")"
tput="$(jq -r '.throughput' "$raw/load.json")"
errors="$(jq -r '[.errors // {} | to_entries[] | "\(.key)=\(.value)"] | join(" ") | if . == "" then "none" else . end' "$raw/load.json")"
p99="$(jq -r '.write.p99Ms' "$raw/load.json")"
terms="$(awk -F, 'NR > 1 && $10 != "" { if (!(min) || $10 < min) min = $10; if ($10 > max) max = $10 } END { print (min == max ? "term " max " throughout" : "terms " min " to " max ": leader elections during the run") }' "$csv")"

{ printf '%s\n' "$header"; printf '%s\n' "$summary"; } | column -t -s $'\t'
printf '\n%s writes in %ss (%s/s, p99 %s ms, errors: %s; %s); snapshots %s. du every %ss: %s\n' \
  "$ops" "$DURATION" "$tput" "$p99" "$errors" "$terms" "$SNAPSHOTS" "$SAMPLE_EVERY" "$csv"

{
  printf '# Disk use under continuous writes over a fixed key set\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Load average (1, 5, 15 min) at start: %s; at end: %s\n' "$LOAD_AT_START" "$load_end"
  printf -- '- Cluster: %s nodes, mapdb storage, loopback; snapshots %s; node settings: %s\n' "$NODES" "$SNAPSHOTS" "${NODE_SETTINGS:-defaults}"
  printf -- '- Load: writes only to the leader, %s connections, rate %s (0 = closed loop), %s keys, values of %s B\n' \
    "$CONNECTIONS" "$RATE" "$KEYS" "$VALUE_SIZE"
  printf -- '- Result: %s writes in %ss, %s writes/s, write p99 %s ms, errors: %s; %s\n\n' "$ops" "$DURATION" "$tput" "$p99" "$errors" "$terms"
  md_table "$header" "$summary"
  printf "\nSizes are \`du -sb\` of the node's data directory (apparent bytes; \"allocated\" is \`du -s -B1\`), "
  printf 'MiB = 2^20 B, sampled every %ss (samples.csv, one row per node and sample). ' "$SAMPLE_EVERY"
  printf '"2nd/1st": the largest allocated size in the second half of the run over the largest in the first half; '
  printf 'about 1 when the disk is bounded, growing with the run length when it is not. Indexes are from GET /v1/cluster at the end. '
  printf 'MapDB files are partly sparse (preallocated), so the apparent size can stay flat while the allocated size grows: read both.\n'
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND"
log "done: $RESULTS_DIR/summary.md"
