#!/usr/bin/env bash
# profile-c1.sh: writes at 1 connection to a fresh 3-node cluster, with per-thread CPU (from /proc),
# GC logs, and the sync and kv.write histograms of every node before and after the measured run.
# WARM=seconds of 16-connection warm-up (default 10), DURATION (20), PROFILE=1 adds a JFR recording
# of the leader. BELLWETHER_JAR, BELLWETHER_BENCH_JAR, NODE_JAVA_OPTS as for the other scripts
# (benchmarks/scripts/lib.sh). Output in OUT (default /tmp/profile-c1-HHMMSS), not under results/.
# ad hoc: 1-connection writes to a 3-node cluster; GC logs + sync histograms per node
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
source "$HERE/../../scripts/lib.sh"
DURATION="${DURATION:-20}"
OUT="${OUT:-/tmp/profile-c1-$(date +%H%M%S)}"
mkdir -p "$OUT"
export NODE_JAVA_OPTS="${NODE_JAVA_OPTS:-} -Xlog:gc*:file=$OUT/gc-%p.log:uptime"
RESULTS_DIR="$OUT" lib_init profile-c1
require_tools curl jq ps java
ensure_bellwether_jar
ensure_bench_tool
cluster_start bellwether 3
endpoints="$(cluster_endpoints)"
leader="$(cluster_leader)"
echo "leader ${MEMBER_NAMES[leader]} pids ${MEMBER_PIDS[*]}" | tee "$OUT/info"
for i in 0 1 2; do echo "${MEMBER_NAMES[i]} $(proc_ticks "${MEMBER_PIDS[i]}")"; done > "$OUT/idle-before"; sleep 10
for i in 0 1 2; do echo "${MEMBER_NAMES[i]} $(proc_ticks "${MEMBER_PIDS[i]}")"; done > "$OUT/idle-after"
common=(--target bellwether --endpoints "$endpoints" --keys 1000 --value-size 100 --key-prefix bench/ --seed 42 --workload write --write-to leader)
run_bench load "${common[@]}" --connections 16 --duration "${WARM:-10}s" --warmup 0s --rate 0 > "$OUT/warm.txt" 2>&1
for i in 0 1 2; do curl -s "${MEMBER_URLS[i]}/metrics" > "$OUT/metrics-before-${MEMBER_NAMES[i]}.txt"; done
date +%s.%N > "$OUT/c1-start"
for i in 0 1 2; do echo "${MEMBER_NAMES[i]} $(proc_ticks "${MEMBER_PIDS[i]}")"; done > "$OUT/ticks-before"
for i in 0 1 2; do bash "$HERE/threads.sh" "${MEMBER_PIDS[i]}" "$OUT/thr-before-${MEMBER_NAMES[i]}"; done
if [[ "${PROFILE:-0}" == 1 ]]; then jcmd "${MEMBER_PIDS[leader]}" JFR.start name=c1 duration=$((DURATION+5))s settings=profile filename="$OUT/leader.jfr" >/dev/null; fi
run_bench load "${common[@]}" --connections 1 --duration "${DURATION}s" --warmup 5s --rate 0 --json "$OUT/c1.json" --timeline "$OUT/timeline.csv" > "$OUT/c1.txt" 2>&1
for i in 0 1 2; do echo "${MEMBER_NAMES[i]} $(proc_ticks "${MEMBER_PIDS[i]}")"; done > "$OUT/ticks-after"
for i in 0 1 2; do bash "$HERE/threads.sh" "${MEMBER_PIDS[i]}" "$OUT/thr-after-${MEMBER_NAMES[i]}"; done
for i in 0 1 2; do curl -s "${MEMBER_URLS[i]}/metrics" > "$OUT/metrics-after-${MEMBER_NAMES[i]}.txt"; done
for i in 0 1 2; do cp "${MEMBER_LOGS[i]}" "$OUT/node-${MEMBER_NAMES[i]}.log"; done; date +%s.%N > "$OUT/end"
cat "$OUT/c1.txt"
