#!/usr/bin/env bash
# profile-writes.sh: where a write's time and CPU go. On a 3-node cluster on 127.0.0.1, for each
# CONNECTIONS value: a closed-loop write run through the leader, with async-profiler attached to the
# leader and to one follower (`jcmd PID JVMTI.agent_load`), in the PROFILE modes:
#   cpu    on-CPU samples (itimer), per thread: what the CPU does per write
#   wall   wall-clock samples of every thread, running or waiting: where a request waits (the
#          latency at one connection is mostly waiting: hand-offs between threads, fsyncs)
# The load tool gives writes/s and latencies; /proc gives each node's CPU time, so the summary has
# CPU per write. Each profile is kept as a flame graph (.html) and as collapsed
# stacks (.collapsed) in raw/; the summary lists, per profile, the threads' shares and the frames
# with the most samples of their own.
#
# Usage: benchmarks/scripts/profile-writes.sh        (QUICK=1 for a short try; --help for this text)
# Environment (defaults in brackets; QUICK=1 changes the starred ones):
#   CONNECTIONS ["1 64"] DURATION [20]* seconds profiled per run, after WARMUP [5]* of load
#   PREWARM [60]* a discarded write run at 16 connections first (the JIT settles)
#   PROFILE ["cpu wall"] INTERVAL_MS [1] sampling interval  KEYS [1000] VALUE_SIZE [100] SEED [42]
#   ASYNC_PROFILER [the tools.profiler:async-profiler 4.2 jar in ~/.m2, fetched with mvn when missing]
#   BELLWETHER_JAR BELLWETHER_BENCH_JAR NODE_JAVA_OPTS NODE_SETTINGS READY_TIMEOUT RESULTS_DIR KEEP_WORK:
#   see lib.sh
# Output: in benchmarks/results/<UTC time>-profile-writes[-quick]/, summary.md and manifest.txt (to
# commit); raw/: per run and node the flame graph and collapsed stacks, the tool's JSON and report.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then
  DURATION="${DURATION:-5}" WARMUP="${WARMUP:-2}" PREWARM="${PREWARM:-5}"
fi
CONNECTIONS="${CONNECTIONS:-1 64}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
PREWARM="${PREWARM:-60}"
PROFILE="${PROFILE:-cpu wall}"
INTERVAL_MS="${INTERVAL_MS:-1}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
SEED="${SEED:-42}"

lib_init profile-writes
require_tools curl jq awk java jcmd unzip
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK CONNECTIONS='$CONNECTIONS' DURATION=$DURATION WARMUP=$WARMUP PREWARM=$PREWARM PROFILE='$PROFILE'"
COMMAND+=" INTERVAL_MS=$INTERVAL_MS benchmarks/scripts/profile-writes.sh"
raw="$RAW_DIR"

# The profiler: the Maven artifact bundles the native library.
ap_jar="${ASYNC_PROFILER:-$HOME/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2.jar}"
if [[ ! -f "$ap_jar" ]]; then
  log "fetching tools.profiler:async-profiler:4.2 with Maven"
  mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:4.2 >&2 || die "could not fetch async-profiler"
fi
mkdir -p "$WORK_DIR/ap"
unzip -q -o "$ap_jar" 'linux-x64/*' -d "$WORK_DIR/ap"
ap_lib="$WORK_DIR/ap/linux-x64/libasyncProfiler.so"
[[ -f "$ap_lib" ]] || die "no linux-x64/libasyncProfiler.so in $ap_jar"

log "starting a 3-node cluster"
cluster_start bellwether 3
leader="$(cluster_leader)"
follower=$(((leader + 1) % 3))
endpoints="$(cluster_endpoints)"
log "cluster ready; leader ${MEMBER_NAMES[leader]}, profiled follower ${MEMBER_NAMES[follower]}"
common=(--target bellwether --endpoints "$endpoints" --keys "$KEYS" --value-size "$VALUE_SIZE" --seed "$SEED"
  --workload write --write-to leader --rate 0)

if ((PREWARM > 0)); then
  log "pre-warm: ${PREWARM}s of writes at 16 connections (discarded)"
  run_bench load "${common[@]}" --connections 16 --duration "${PREWARM}s" --warmup 0s \
    --json "$raw/prewarm.json" >"$raw/prewarm.log" 2>&1 || die "pre-warm failed (see $raw/prewarm.log)"
fi

# agent PID COMMAND: one async-profiler command in a running JVM.
# The options are quoted for jcmd, which would otherwise read "a=b" as an argument of its own.
agent() {
  local out
  out="$(jcmd "$1" JVMTI.agent_load "$ap_lib" "\"$2\"" 2>&1)" || die "jcmd $1: $out"
  [[ "$out" == *"return code: 0"* ]] || die "async-profiler in $1 refused '$2': $out"
}

tsv="$raw/results.tsv"
printf 'connections\tprofile\twrites_per_s\tp50_ms\tp99_ms\tleader_cpu_us_per_write\tfollower_cpu_us_per_write\tnodes_cpu_us_per_write\n' >"$tsv"
secs() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", t / hz }'; }

for c in $CONNECTIONS; do
  for mode in $PROFILE; do
    case "$mode" in
      cpu) event="event=itimer" ;;
      wall) event="event=wall" ;;
      *) die "PROFILE: cpu or wall, got '$mode'" ;;
    esac
    name="c$c-$mode"
    log "$name: ${WARMUP}s + ${DURATION}s of writes at $c connections, $mode profile of the leader and ${MEMBER_NAMES[follower]}"
    start_bench load "${common[@]}" --connections "$c" --duration "${DURATION}s" --warmup "${WARMUP}s" \
      --json "$raw/$name.json" >"$raw/$name.log" 2>&1
    tool=$BENCH_PID
    # Start the profilers when the tool's measured part starts.
    deadline=$((SECONDS + 60))
    until grep -q 'bellwether-bench: running ' "$raw/$name.log" 2>/dev/null; do
      ((SECONDS < deadline)) || die "the load tool did not start (see $raw/$name.log)"
      sleep 0.1
    done
    sleep "$WARMUP"
    declare -a t0=() t1=()
    for i in "${!MEMBER_PIDS[@]}"; do t0[i]="$(proc_ticks "${MEMBER_PIDS[i]}")"; done
    for i in "$leader" "$follower"; do agent "${MEMBER_PIDS[i]}" "start,$event,interval=${INTERVAL_MS}ms,threads"; done
    sleep "$DURATION"
    for i in "$leader" "$follower"; do
      role=leader; ((i == follower)) && role=follower
      agent "${MEMBER_PIDS[i]}" "stop,file=$raw/$name-$role.collapsed,collapsed"
      agent "${MEMBER_PIDS[i]}" "flamegraph,file=$raw/$name-$role.html"
    done
    for i in "${!MEMBER_PIDS[@]}"; do t1[i]="$(proc_ticks "${MEMBER_PIDS[i]}")"; done
    rc=0
    wait "$tool" || rc=$?
    forget_pid "$tool"
    ((rc == 0)) || die "load tool failed in $name (see $raw/$name.log)"
    ops="$(jq -r '.throughput' "$raw/$name.json")"
    p50="$(jq -r '.write.p50Ms' "$raw/$name.json")"
    p99="$(jq -r '.write.p99Ms' "$raw/$name.json")"
    writes="$(awk -v r="$ops" -v d="$DURATION" 'BEGIN { printf "%.0f", r * d }')"
    per() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$writes" 'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }'; }
    lcpu=$((t1[leader] - t0[leader]))
    fcpu=$((t1[follower] - t0[follower]))
    ncpu=0
    for i in "${!MEMBER_PIDS[@]}"; do ncpu=$((ncpu + t1[i] - t0[i])); done
    printf '%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\n' "$c" "$mode" "$ops" "$p50" "$p99" "$(per "$lcpu")" "$(per "$fcpu")" \
      "$(per "$ncpu")" >>"$tsv"
  done
done

# top_frames FILE N: the N frames with the most samples of their own, and their share. (No `head`:
# under pipefail the SIGPIPE it gives sort would end the script.)
top_frames() {
  awk -v n="$2" '{ c = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); self[f[k]] += c; total += c }
    END { for (x in self) printf "%d\t%.1f%%\t%s\n", self[x], 100 * self[x] / total, x }' "$1" \
    | sort -t$'\t' -k1,1nr | awk -v n="$2" 'NR <= n' | cut -f2,3
}
# threads FILE: each thread's share of the samples (the first frame is the thread, with `threads`).
thread_shares() {
  awk '{ c = $NF; split($0, f, ";"); t = f[1]; sub(/ tid=[0-9]+\]$/, "]", t); gsub(/-[0-9]+\]$/, "-N]", t); s[t] += c; total += c }
    END { for (x in s) printf "%d\t%.1f%%\t%s\n", s[x], 100 * s[x] / total, x }' "$1" | sort -t$'\t' -k1,1nr | awk 'NR <= 12' | cut -f2,3
}

header=$'connections\tprofile\twrites/s\tp50 ms\tp99 ms\tleader CPU µs/write\tfollower CPU µs/write\t3 nodes CPU µs/write'
table="$(tail -n +2 "$tsv")"
text_table "$header" "$table"

{
  printf '# Where a write goes: profiles of the leader and a follower under write load\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Cluster: 3 nodes (mapdb, vertx, static), loopback, the launcher'"'"'s JVM flags; node settings: %s\n' "${NODE_SETTINGS:-defaults}"
  printf -- '- Load: closed-loop writes through the leader, %s keys of %s B; %ss pre-warm at 16 connections, then per run %ss warm-up and %ss profiled\n' \
    "$KEYS" "$VALUE_SIZE" "$PREWARM" "$WARMUP" "$DURATION"
  printf -- '- Profiler: async-profiler 4.2 attached with jcmd, %s ms interval; cpu = itimer, wall = every thread whether running or not\n\n' "$INTERVAL_MS"
  md_table "$header" "$table"
  printf '\nCPU per write: utime+stime from /proc over the profiled seconds (profiler overhead included), divided by the writes the tool counted in them.\n'
  for f in "$raw"/*.collapsed; do
    [[ -f "$f" ]] || continue
    printf '\n## %s\n\nThreads (share of samples):\n\n' "$(basename "$f" .collapsed)"
    thread_shares "$f" | awk -F'\t' '{ printf "- %s %s\n", $1, $2 }'
    printf '\nFrames with the most samples of their own:\n\n'
    top_frames "$f" 15 | awk -F'\t' '{ printf "- %s `%s`\n", $1, $2 }'
  done
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND" "async-profiler: $(jar_line "$ap_jar")"
log "done: $RESULTS_DIR/summary.md"
