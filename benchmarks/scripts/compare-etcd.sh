#!/usr/bin/env bash
# compare-etcd.sh: the same workloads, by the same client (bin/bellwether-bench load), against a
# fresh 3-member etcd cluster and then a fresh 3-node Bellwether cluster on 127.0.0.1, both syncing
# to disk before acknowledging; one table with the ratios. See docs/BENCHMARKS.md, "Comparison with
# etcd", and lib.sh for the settings.
#
# Needs etcd: ETCD_BIN, or etcd on the PATH. When it is missing the script stops and prints the
# install command (Debian: sudo apt-get install -y etcd-server etcd-client); INSTALL_ETCD=1 lets it
# run that command itself. It installs nothing otherwise.
#
#   benchmarks/scripts/compare-etcd.sh --help     # this text
#   benchmarks/scripts/compare-etcd.sh            # full: 20 s runs after 5 s of warm-up, 60 s stability run
#   QUICK=1 benchmarks/scripts/compare-etcd.sh    # 3 s runs, 1 s warm-up, 10 s stability run: to try it out
#   ROUNDS=3 WRITE_CONNECTIONS=1 READ_CONNECTIONS=0 STALE_READS=0 STABILITY_CONNECTIONS=0 \
#     benchmarks/scripts/compare-etcd.sh          # one workload, three rounds, the order alternating
#
# Environment (seconds are plain numbers):
#   DURATION=20 WARMUP=5          measured time and warm-up of each run
#   PREWARM=60                    a discarded write run (16 connections) on each fresh cluster before
#                                 the measured ones, so the JVM's JIT has settled before the first
#                                 (with 10 s, the C2 compiler still used half of the leader's CPU
#                                 during the 1-connection run that followed; docs/benchmarks-journal.md)
#   ROUNDS=1                      repeat everything (fresh clusters each time), etcd first in odd
#                                 rounds and Bellwether first in even ones; the table then shows the
#                                 median of the rounds and each round's ratio, so a drift of the
#                                 machine (disk latency, CPU steal) does not land on one system only
#   WRITE_CONNECTIONS="1 16 64 256"
#   READ_CONNECTIONS=64           linearizable reads (and stale ones) of preloaded keys; 0 to skip
#   READ_FROM=all                 leader, all, followers or first: where reads go (both systems serve
#                                 linearizable reads on any member)
#   STALE_READS=1                 also stale reads (etcd: serializable); 0 to skip
#   STABILITY_DURATION=60         the no-leader-change check: writes at full load for this long ...
#   STABILITY_CONNECTIONS=64      ... on this many connections; 0 to skip the check
#   TARGETS="etcd bellwether"     the systems, in this order
#   KEYS=1000 VALUE_SIZE=100 SEED=42
#   BELLWETHER_JAR, BELLWETHER_BENCH_JAR, NODE_JAVA_OPTS, NODE_SETTINGS, ETCD_BIN, INSTALL_ETCD,
#   ETCD_QUOTA_BYTES, READY_TIMEOUT, RESULTS_DIR, KEEP_WORK: see lib.sh
#
# Output in benchmarks/results/<UTC time>-compare-etcd[-quick]/: summary.md (the table, the
# stability verdicts, the command and the machine) and manifest.txt (date, commit, command, machine,
# versions, checksums of the raw files), to commit; raw/ (not committed): summary.txt,
# stability.txt, loadavg.txt, and per run TARGET-RUN.json (the tool's --json), .txt (its report),
# .err and .terms (highest term before and after), the stability runs' timelines, members' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

if [[ "${QUICK:-0}" == 1 ]]; then
  DURATION="${DURATION:-3}" WARMUP="${WARMUP:-1}" PREWARM="${PREWARM:-2}" STABILITY_DURATION="${STABILITY_DURATION:-10}"
fi
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
PREWARM="${PREWARM:-60}"
ROUNDS="${ROUNDS:-1}"
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
require_tools curl jq ps java
if [[ " $TARGETS " == *" etcd "* ]]; then ensure_etcd; fi
ensure_bellwether_jar
ensure_bench_tool

COMMAND="QUICK=${QUICK:-0} ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP PREWARM=$PREWARM"
COMMAND+=" WRITE_CONNECTIONS='$WRITE_CONNECTIONS' READ_CONNECTIONS=$READ_CONNECTIONS READ_FROM=$READ_FROM"
COMMAND+=" STALE_READS=$STALE_READS STABILITY_DURATION=$STABILITY_DURATION STABILITY_CONNECTIONS=$STABILITY_CONNECTIONS"
COMMAND+=" TARGETS='$TARGETS' KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE SEED=$SEED benchmarks/scripts/compare-etcd.sh"

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# run_load TARGET NAME ARGS...: one load run; JSON and text into the results dir. Never fails the script.
run_load() {
  local target="$1" name="$2"
  shift 2
  local base="$RAW_DIR/$target-$name$ROUND_SUFFIX" before rc=0 term_before term_after
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
    >>"$RAW_DIR/loadavg.txt"
  if ((rc != 0)) || [[ ! -s "$base.json" ]]; then
    log "$target $name: FAILED (exit $rc); see $base.err"
    rm -f "$base.json"
    return 0
  fi
  log "$target $name: $(jq -r '"\(.throughput) ops/s, errors \(.errorCount)"' "$base.json"), term $term_before -> $term_after"
}

# Stability: term and leader as each member sees them, before and after a full write load.
stability_check() {
  local target="$1" before after counters_before counters_after base="$RAW_DIR/$1-stability$ROUND_SUFFIX"
  before="$(cluster_views)"
  counters_before="$(cluster_change_counters)"
  run_load "$target" stability --workload write --write-to leader --connections "$STABILITY_CONNECTIONS" \
    --rate 0 --duration "${STABILITY_DURATION}s" --warmup 0s --timeline "$base-timeline.csv"
  after="$(cluster_views)"
  counters_after="$(cluster_change_counters)"
  local verdict="no leader change"
  if [[ "$before" != "$after" ]]; then verdict="LEADER CHANGED"; fi
  local seen="n/a"
  [[ -s "$base.json" ]] && seen="$(jq -r '.leaderChanges // "n/a"' "$base.json")"
  {
    echo "$target${ROUND_SUFFIX:+ (round ${ROUND_SUFFIX#-r})}: $verdict during ${STABILITY_DURATION} s of writes at $STABILITY_CONNECTIONS connections" \
      "(leader changes the load tool saw: $seen)"
    echo "  before (member term leader): $(tr '\n' ';' <<<"$before")"
    echo "  after:                       $(tr '\n' ';' <<<"$after")"
    echo "  counters summed over members, before: $counters_before"
    echo "                                after:  $counters_after"
  } | tee -a "$RAW_DIR/stability.txt" >&2
}

# measure TARGET: a fresh cluster, the prewarm, every workload, the stability check; then stop it.
measure() {
  local target="$1" c
  cluster_start "$target"
  if ((PREWARM > 0)); then
    run_load "$target" prewarm --workload write --write-to leader --connections 16 --rate 0 \
      --duration "${PREWARM}s" --warmup 0s
  fi
  for c in $WRITE_CONNECTIONS; do
    run_load "$target" "write-c$c" --workload write --write-to leader --connections "$c" --rate 0 \
      --duration "${DURATION}s" --warmup "${WARMUP}s"
  done
  if ((READ_CONNECTIONS > 0)); then
    run_load "$target" "read-linearizable-c$READ_CONNECTIONS" --workload read --consistency linearizable \
      --read-from "$READ_FROM" --preload --connections "$READ_CONNECTIONS" --rate 0 \
      --duration "${DURATION}s" --warmup "${WARMUP}s"
    if [[ "$STALE_READS" == 1 ]]; then
      run_load "$target" "read-stale-c$READ_CONNECTIONS" --workload read --consistency stale \
        --read-from "$READ_FROM" --preload --connections "$READ_CONNECTIONS" --rate 0 \
        --duration "${DURATION}s" --warmup "${WARMUP}s"
    fi
  fi
  if ((STABILITY_CONNECTIONS > 0)); then stability_check "$target"; fi
  cluster_stop
}

# Result files are TARGET-NAME.json with one round, TARGET-NAME-rK.json with several.
round_suffixes=("")
if ((ROUNDS > 1)); then
  round_suffixes=()
  for ((r = 1; r <= ROUNDS; r++)); do round_suffixes+=("-r$r"); done
fi
read -r -a target_list <<<"$TARGETS"
for ((r = 1; r <= ROUNDS; r++)); do
  ROUND_SUFFIX="${round_suffixes[r - 1]}"
  order=("${target_list[@]}")
  if ((r % 2 == 0)); then # even rounds in the reverse order
    order=()
    for ((i = ${#target_list[@]} - 1; i >= 0; i--)); do order+=("${target_list[i]}"); done
  fi
  if ((ROUNDS > 1)); then log "round $r of $ROUNDS: ${order[*]}"; fi
  for target in "${order[@]}"; do measure "$target"; done
done

# ---------------------------------------------------------------------------------------------
# The table. Ratios are Bellwether / etcd: throughput ≥ 1.0 and p99 ≤ 1.2 are the comparison's targets.

field() { # field FILE JQ DECIMALS: a number from a result, rounded, or n/a
  local v=n/a
  [[ -s "$1" ]] && v="$(jq -r "($2) // \"n/a\"" "$1")"
  if [[ "$v" == n/a ]]; then echo n/a; else printf "%.${3}f\n" "$v"; fi
}

rows=()
for c in $WRITE_CONNECTIONS; do rows+=("write write-c$c $c"); done
if ((READ_CONNECTIONS > 0)); then
  rows+=("read-linearizable read-linearizable-c$READ_CONNECTIONS $READ_CONNECTIONS")
  [[ "$STALE_READS" == 1 ]] && rows+=("read-stale read-stale-c$READ_CONNECTIONS $READ_CONNECTIONS")
fi

# over_rounds TARGET NAME JQ DECIMALS: the field's median over the rounds, rounded.
over_rounds() {
  local values=() suffix v
  for suffix in "${round_suffixes[@]}"; do values+=("$(field "$RAW_DIR/$1-$2$suffix.json" "$3" 6)"); done
  v="$(median "${values[@]}")"
  if [[ "$v" == n/a ]]; then echo n/a; else printf "%.${4}f\n" "$v"; fi
}

# per_round TARGET_A TARGET_B NAME JQ: each round's ratio A/B, space-separated.
per_round() {
  local out=() suffix
  for suffix in "${round_suffixes[@]}"; do
    out+=("$(ratio "$(field "$RAW_DIR/$1-$3$suffix.json" "$4" 6)" "$(field "$RAW_DIR/$2-$3$suffix.json" "$4" 6)")")
  done
  echo "${out[*]}"
}

# elections_over_rounds TARGET NAME: elections summed over the rounds, or ?
elections_over_rounds() {
  local sum=0 suffix t
  for suffix in "${round_suffixes[@]}"; do
    t="$(terms "$RAW_DIR/$1-$2$suffix")"
    [[ "$t" == "?" ]] && { echo "?"; return; }
    sum=$((sum + t))
  done
  echo "$sum"
}

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
md_align="| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
if ((ROUNDS > 1)); then
  header+=("ratio per round" "p99 ratio per round")
  fmt='%-18s %11s %12s %16s %7s %12s %17s %9s %14s %17s   %s   %s\n'
  md_align="$md_align --- | --- |"
fi
{
  # shellcheck disable=SC2059 # the format is a constant
  printf "$fmt" "${header[@]}"
} | tee "$RAW_DIR/summary.txt"
{
  echo "# Bellwether against etcd: throughput and latency"
  echo
  [[ "${QUICK:-0}" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  echo "Command: \`$COMMAND\`"
  echo
  machine_md
  if [[ -n "$ETCD_BIN" ]]; then echo "- etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"; fi
  echo
  md_row "${header[@]}"
  echo "$md_align"
} >"$md"
for row in "${rows[@]}"; do
  read -r label name c <<<"$row"
  kind="write"
  [[ "$label" == read-* ]] && kind="read"
  et="$(over_rounds etcd "$name" .throughput 0)" bt="$(over_rounds bellwether "$name" .throughput 0)"
  ep="$(over_rounds etcd "$name" ".$kind.p99Ms" 1)" bp="$(over_rounds bellwether "$name" ".$kind.p99Ms" 1)"
  ee="$(over_rounds etcd "$name" .errorCount 0)" be="$(over_rounds bellwether "$name" .errorCount 0)"
  cols=("$label" "$c" "$et" "$bt" "$(ratio "$bt" "$et")" "$ep" "$bp" "$(ratio "$bp" "$ep")" "$ee/$be"
    "$(elections_over_rounds etcd "$name")/$(elections_over_rounds bellwether "$name")")
  if ((ROUNDS > 1)); then
    cols+=("$(per_round bellwether etcd "$name" .throughput)" "$(per_round bellwether etcd "$name" ".$kind.p99Ms")")
  fi
  # shellcheck disable=SC2059
  printf "$fmt" "${cols[@]}" | tee -a "$RAW_DIR/summary.txt"
  md_row "${cols[@]}" >>"$md"
done
{
  echo
  if ((ROUNDS > 1)); then
    echo "Medians over $ROUNDS rounds (fresh clusters each round; etcd first in odd rounds, Bellwether first in" \
      "even ones); errors are the median per round, elections the sum over all rounds."
  fi
  echo "Ratios: Bellwether / etcd. Runs of ${DURATION} s after ${WARMUP} s of warm-up, closed loop, ${KEYS} keys," \
    "${VALUE_SIZE}-byte values; writes through the leader, reads from: $READ_FROM." \
    "Elections: rise of the highest term over the run (each is an election; the target is 0)."
  if [[ -s "$RAW_DIR/stability.txt" ]]; then
    echo
    grep -v '^  ' "$RAW_DIR/stability.txt" | sed 's/^/- /'
  fi
} | tee -a "$md" >>"$RAW_DIR/summary.txt"
if [[ -s "$RAW_DIR/stability.txt" ]]; then
  echo
  grep -v '^  ' "$RAW_DIR/stability.txt"
fi
manifest_write "$COMMAND"
log "results: $RESULTS_DIR (summary.md and manifest.txt to commit; raw/: one JSON per run, logs)"
