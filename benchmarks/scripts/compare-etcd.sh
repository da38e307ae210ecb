#!/usr/bin/env bash
# compare-etcd.sh: the same workloads, by the same client (bin/bellwether-bench load), against a
# fresh 3-member etcd cluster and then a fresh 3-node Bellwether cluster on 127.0.0.1, both syncing
# to disk before acknowledging; one table with the ratios. See docs/BENCHMARKS.md, "Comparison with
# etcd", and lib.sh for the settings.
#
#   benchmarks/scripts/compare-etcd.sh            # full: 20 s runs after 5 s of warm-up, 60 s stability run
#   QUICK=1 benchmarks/scripts/compare-etcd.sh    # 3 s runs, 1 s warm-up, 10 s stability run: to try it out
#
# Environment (seconds are plain numbers):
#   DURATION=20 WARMUP=5          measured time and warm-up of each run
#   PREWARM=10                    a discarded write run (16 connections) on each fresh cluster before
#                                 the measured ones, so the JVM's JIT is warm for the first run too
#   WRITE_CONNECTIONS="1 16 64 256"
#   READ_CONNECTIONS=64           linearizable reads (and stale ones) of preloaded keys
#   READ_FROM=all                 leader, all, followers or first: where reads go (both systems serve
#                                 linearizable reads on any member)
#   STALE_READS=1                 also stale reads (etcd: serializable); 0 to skip
#   STABILITY_DURATION=60         the no-leader-change check: writes at full load for this long ...
#   STABILITY_CONNECTIONS=64      ... on this many connections; 0 to skip the check
#   TARGETS="etcd bellwether"     the systems, in this order
#   KEYS=1000 VALUE_SIZE=100 SEED=42
#   BELLWETHER_JAR, BELLWETHER_BENCH_JAR, BW_JAVA_OPTS, ETCD_BIN, RESULTS_DIR: see lib.sh
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${QUICK:-0}" == 1 ]]; then
  DURATION="${DURATION:-3}" WARMUP="${WARMUP:-1}" PREWARM="${PREWARM:-2}" STABILITY_DURATION="${STABILITY_DURATION:-10}"
fi
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
PREWARM="${PREWARM:-10}"
WRITE_CONNECTIONS="${WRITE_CONNECTIONS:-1 16 64 256}"
READ_CONNECTIONS="${READ_CONNECTIONS:-64}"
READ_FROM="${READ_FROM:-all}"
STALE_READS="${STALE_READS:-1}"
STABILITY_DURATION="${STABILITY_DURATION:-60}"
STABILITY_CONNECTIONS="${STABILITY_CONNECTIONS:-64}"
TARGETS="${TARGETS:-etcd bellwether}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
SEED="${SEED:-42}"

lib_init compare-etcd
ensure_tools
ensure_bellwether_jar
ensure_bench_tool

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# Machine and versions, next to the results.
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "cpu: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "bellwether jar: $BELLWETHER_JAR"
  echo "commit: $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$BENCH_ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "settings: QUICK=${QUICK:-0} DURATION=$DURATION WARMUP=$WARMUP PREWARM=$PREWARM WRITE_CONNECTIONS='$WRITE_CONNECTIONS'" \
    "READ_CONNECTIONS=$READ_CONNECTIONS READ_FROM=$READ_FROM STALE_READS=$STALE_READS" \
    "STABILITY_DURATION=$STABILITY_DURATION STABILITY_CONNECTIONS=$STABILITY_CONNECTIONS KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE SEED=$SEED"
  echo "BW_JAVA_OPTS: ${BW_JAVA_OPTS:-(bin/bellwether defaults)}"
} >"$RESULTS_DIR/environment.txt"

# run_load TARGET NAME ARGS...: one load run; JSON and text into the results dir. Never fails the script.
run_load() {
  local target="$1" name="$2"
  shift 2
  local base="$RESULTS_DIR/$target-$name" before rc=0 term_before term_after
  before="$(loadavg)"
  term_before="$(cluster_max_term)"
  log "$target $name: running (load average $before)"
  run_bench load --target "$target" --endpoints "$(cluster_endpoints)" \
    --keys "$KEYS" --value-size "$VALUE_SIZE" --seed "$SEED" --json "$base.json" "$@" \
    >"$base.txt" 2>"$base.err" || rc=$?
  term_after="$(cluster_max_term)"
  # Terms before and after the run: any difference is an election during it.
  echo "$term_before $term_after" >"$base.terms"
  echo "$target $name load-average-start=$before end=$(loadavg) exit=$rc terms=$term_before..$term_after" \
    >>"$RESULTS_DIR/loadavg.txt"
  if ((rc != 0)) || [[ ! -s "$base.json" ]]; then
    log "$target $name: FAILED (exit $rc); see $base.err"
    rm -f "$base.json"
    return 0
  fi
  log "$target $name: $(jq -r '"\(.throughput) ops/s, errors \(.errorCount)"' "$base.json"), term $term_before -> $term_after"
}

# Stability: term and leader as each member sees them, before and after a full write load.
stability_check() {
  local target="$1" before after counters_before counters_after
  before="$(cluster_views)"
  counters_before="$(cluster_change_counters)"
  run_load "$target" stability --workload write --write-to leader --connections "$STABILITY_CONNECTIONS" \
    --rate 0 --duration "${STABILITY_DURATION}s" --warmup 0s --timeline "$RESULTS_DIR/$target-stability-timeline.csv"
  after="$(cluster_views)"
  counters_after="$(cluster_change_counters)"
  local verdict="no leader change"
  if [[ "$before" != "$after" ]]; then verdict="LEADER CHANGED"; fi
  local seen="n/a"
  [[ -s "$RESULTS_DIR/$target-stability.json" ]] && seen="$(jq -r '.leaderChanges // "n/a"' "$RESULTS_DIR/$target-stability.json")"
  {
    echo "$target: $verdict during ${STABILITY_DURATION} s of writes at $STABILITY_CONNECTIONS connections" \
      "(leader changes the load tool saw: $seen)"
    echo "  before (member term leader): $(tr '\n' ';' <<<"$before")"
    echo "  after:                       $(tr '\n' ';' <<<"$after")"
    echo "  counters summed over members, before: $counters_before"
    echo "                                after:  $counters_after"
  } | tee -a "$RESULTS_DIR/stability.txt" >&2
}

for target in $TARGETS; do
  cluster_start "$target"
  if ((PREWARM > 0)); then
    run_load "$target" prewarm --workload write --write-to leader --connections 16 --rate 0 \
      --duration "${PREWARM}s" --warmup 0s
  fi
  for c in $WRITE_CONNECTIONS; do
    run_load "$target" "write-c$c" --workload write --write-to leader --connections "$c" --rate 0 \
      --duration "${DURATION}s" --warmup "${WARMUP}s"
  done
  run_load "$target" "read-linearizable-c$READ_CONNECTIONS" --workload read --consistency linearizable \
    --read-from "$READ_FROM" --preload --connections "$READ_CONNECTIONS" --rate 0 \
    --duration "${DURATION}s" --warmup "${WARMUP}s"
  if [[ "$STALE_READS" == 1 ]]; then
    run_load "$target" "read-stale-c$READ_CONNECTIONS" --workload read --consistency stale \
      --read-from "$READ_FROM" --preload --connections "$READ_CONNECTIONS" --rate 0 \
      --duration "${DURATION}s" --warmup "${WARMUP}s"
  fi
  if ((STABILITY_CONNECTIONS > 0)); then stability_check "$target"; fi
  cluster_stop
done

# ---------------------------------------------------------------------------------------------
# The table. Ratios are Bellwether / etcd: throughput ≥ 1.0 and p99 ≤ 1.2 are issue 9's targets.

field() { # field FILE JQ DECIMALS: a number from a result, rounded, or n/a
  local v=n/a
  [[ -s "$1" ]] && v="$(jq -r "($2) // \"n/a\"" "$1")"
  if [[ "$v" == n/a ]]; then echo n/a; else printf "%.${3}f\n" "$v"; fi
}

rows=()
for c in $WRITE_CONNECTIONS; do rows+=("write write-c$c $c"); done
rows+=("read-linearizable read-linearizable-c$READ_CONNECTIONS $READ_CONNECTIONS")
[[ "$STALE_READS" == 1 ]] && rows+=("read-stale read-stale-c$READ_CONNECTIONS $READ_CONNECTIONS")

md_row() { printf '|'; printf ' %s |' "$@"; echo; }

md="$RESULTS_DIR/summary.md"
terms() { # terms BASE: elections during the run (term after - term before), or ?
  local b a
  [[ -s "$1.terms" ]] || { echo "?"; return; }
  read -r b a <"$1.terms"
  if [[ "$b" =~ ^[0-9]+$ && "$a" =~ ^[0-9]+$ ]]; then echo $((a - b)); else echo "?"; fi
}

header=(workload connections "etcd ops/s" "bellwether ops/s" ratio "etcd p99 ms" "bellwether p99 ms" "p99 ratio"
  "errors etcd/bw" "elections etcd/bw")
fmt='%-18s %11s %12s %16s %7s %12s %17s %9s %14s %17s\n'
{
  # shellcheck disable=SC2059 # the format is a constant
  printf "$fmt" "${header[@]}"
} | tee "$RESULTS_DIR/summary.txt"
{
  md_row "${header[@]}"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$md"
for row in "${rows[@]}"; do
  read -r label name c <<<"$row"
  kind="write"
  [[ "$label" == read-* ]] && kind="read"
  e="$RESULTS_DIR/etcd-$name.json"
  b="$RESULTS_DIR/bellwether-$name.json"
  et="$(field "$e" .throughput 0)" bt="$(field "$b" .throughput 0)"
  ep="$(field "$e" ".$kind.p99Ms" 1)" bp="$(field "$b" ".$kind.p99Ms" 1)"
  ee="$(field "$e" .errorCount 0)" be="$(field "$b" .errorCount 0)"
  cols=("$label" "$c" "$et" "$bt" "$(ratio "$bt" "$et")" "$ep" "$bp" "$(ratio "$bp" "$ep")" "$ee/$be"
    "$(terms "${e%.json}")/$(terms "${b%.json}")")
  # shellcheck disable=SC2059
  printf "$fmt" "${cols[@]}" | tee -a "$RESULTS_DIR/summary.txt"
  md_row "${cols[@]}" >>"$md"
done
{
  echo
  echo "Ratios: Bellwether / etcd. Runs of ${DURATION} s after ${WARMUP} s of warm-up, closed loop, ${KEYS} keys," \
    "${VALUE_SIZE}-byte values; writes through the leader, reads from: $READ_FROM." \
    "Elections: rise of the highest term over the run (each is an election; the target is 0)."
  if [[ -s "$RESULTS_DIR/stability.txt" ]]; then
    echo
    grep -v '^  ' "$RESULTS_DIR/stability.txt" | sed 's/^/- /'
  fi
} | tee -a "$md" >>"$RESULTS_DIR/summary.txt"
if [[ -s "$RESULTS_DIR/stability.txt" ]]; then
  echo
  grep -v '^  ' "$RESULTS_DIR/stability.txt"
fi
log "results: $RESULTS_DIR (summary.md, summary.txt, one JSON per run, logs/)"
