#!/usr/bin/env bash
# profile-c1.sh: writes at 1 connection to a fresh 3-node cluster, with per-thread CPU (from /proc),
# GC logs, and the sync and kv.write histograms of every node before and after the measured run.
# WARM=seconds of 16-connection warm-up (default 10), DURATION (20), PROFILE=1 adds a JFR recording
# of the leader. BELLWETHER_JAR, BELLWETHER_BENCH_JAR as for the other scripts.
# ad hoc: 1-connection writes to a 3-node cluster; GC logs + sync histograms per node
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/bw-cluster.sh"
DURATION="${DURATION:-20}"
OUT="${OUT:-/tmp/profile-c1-$(date +%H%M%S)}"
mkdir -p "$OUT"
export NODE_JAVA_OPTS="${NODE_JAVA_OPTS:-} -Xlog:gc*:file=$OUT/gc-%p.log:uptime"
bw_init
bw_require_bench
bw_start_cluster 3
endpoints="$(IFS=,; printf '%s' "${BW_URLS[*]}")"
leader="$(bw_leader_index)"
echo "leader ${BW_IDS[leader]} pids ${BW_PIDS[*]}" | tee "$OUT/info"
for i in 0 1 2; do echo "${BW_IDS[i]} $(bw_proc_ticks ${BW_PIDS[i]})"; done > "$OUT/idle-before"; sleep 10
for i in 0 1 2; do echo "${BW_IDS[i]} $(bw_proc_ticks ${BW_PIDS[i]})"; done > "$OUT/idle-after"
common=(--target bellwether --endpoints "$endpoints" --keys 1000 --value-size 100 --key-prefix bench/ --seed 42 --workload write --write-to leader)
bw_bench "${common[@]}" --connections 16 --duration ${WARM:-10}s --warmup 0s --rate 0 > "$OUT/warm.txt" 2>&1
for i in 0 1 2; do curl -s "${BW_URLS[i]}/metrics" > "$OUT/metrics-before-${BW_IDS[i]}.txt"; done
date +%s.%N > "$OUT/c1-start"
for i in 0 1 2; do echo "${BW_IDS[i]} $(bw_proc_ticks ${BW_PIDS[i]})"; done > "$OUT/ticks-before"
for i in 0 1 2; do bash "$HERE/threads.sh" ${BW_PIDS[i]} "$OUT/thr-before-${BW_IDS[i]}"; done
if [[ "${PROFILE:-0}" == 1 ]]; then jcmd ${BW_PIDS[leader]} JFR.start name=c1 duration=$((DURATION+5))s settings=profile filename=$OUT/leader.jfr >/dev/null; fi
bw_bench "${common[@]}" --connections 1 --duration "${DURATION}s" --warmup 5s --rate 0 --json "$OUT/c1.json" --timeline "$OUT/timeline.csv" > "$OUT/c1.txt" 2>&1
for i in 0 1 2; do echo "${BW_IDS[i]} $(bw_proc_ticks ${BW_PIDS[i]})"; done > "$OUT/ticks-after"
for i in 0 1 2; do bash "$HERE/threads.sh" ${BW_PIDS[i]} "$OUT/thr-after-${BW_IDS[i]}"; done
for i in 0 1 2; do curl -s "${BW_URLS[i]}/metrics" > "$OUT/metrics-after-${BW_IDS[i]}.txt"; done
for i in 0 1 2; do cp "${BW_LOGS[i]}" "$OUT/node-${BW_IDS[i]}.log"; done; date +%s.%N > "$OUT/end"
cat "$OUT/c1.txt"
