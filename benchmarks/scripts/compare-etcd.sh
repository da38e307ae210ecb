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
#   TLS=1 benchmarks/scripts/compare-etcd.sh      # both systems with TLS (clients and peers)
#   SECURITY="off tls tls+tokens" ROUNDS=3 WRITE_CONNECTIONS="1 64" READ_CONNECTIONS=0 \
#     STABILITY_CONNECTIONS=0 benchmarks/scripts/compare-etcd.sh   # the cost of TLS and of tokens
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
#   SECURITY=off                  how the clusters are secured, a list measured side by side, each
#                                 system in each mode in every round: off, tls (clients and peers; see
#                                 TLS=1 in lib.sh), tls+tokens (tls, and Bellwether requires a bearer
#                                 token; etcd is not measured in this mode). Default: tls when TLS=1,
#                                 tls+tokens when TLS=1 TOKENS=1, else off. With more than one mode
#                                 the summary adds a table of each mode against off, per system.
#   KEYS=1000 VALUE_SIZE=100 SEED=42
#   BELLWETHER_JAR, BELLWETHER_BENCH_JAR, NODE_JAVA_OPTS, NODE_SETTINGS, ETCD_BIN, INSTALL_ETCD,
#   ETCD_QUOTA_BYTES, READY_TIMEOUT, RESULTS_DIR, KEEP_WORK: see lib.sh
#
# Output in benchmarks/results/<UTC time>-compare-etcd[-quick]/: summary.md (the table, the
# stability verdicts, the command and the machine) and manifest.txt (date, commit, command, machine,
# versions, checksums of the raw files), to commit; raw/ (not committed): summary.txt,
# stability.txt, loadavg.txt, and per run VARIANT-RUN.json (the tool's --json), .txt (its report),
# .err, .terms (highest term before and after) and .cpu (CPU samples: the tool, each member, the
# machine, every 0.2 s), the stability runs' timelines, members' logs. VARIANT is the system, with
# -tls or -tls-tokens when secured (etcd-tls-write-c1.json).
#
# CPU per operation (summary, "CPU µs/op"): CPU time over the measured window (from the tool's
# start line plus the warm-up, for DURATION), divided by the operations in it: of the three members
# together, of the busiest member (the leader, for writes), and of the load tool.
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
if [[ -z "${SECURITY:-}" ]]; then
  SECURITY=off
  [[ "${TLS:-0}" == 1 ]] && SECURITY=tls
  [[ "${TLS:-0}" == 1 && "${TOKENS:-0}" == 1 ]] && SECURITY=tls+tokens
fi
for mode in $SECURITY; do
  [[ "$mode" == off || "$mode" == tls || "$mode" == tls+tokens ]] \
    || { echo "SECURITY: unknown mode '$mode' (off, tls, tls+tokens)" >&2; exit 2; }
done
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
COMMAND+=" TARGETS='$TARGETS'"
[[ "$SECURITY" != off ]] && COMMAND+=" SECURITY='$SECURITY'"
COMMAND+=" KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE SEED=$SEED benchmarks/scripts/compare-etcd.sh"

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# variant TARGET MODE: the name of a system in a security mode, as in the result files.
variant() {
  case "$2" in
    off) echo "$1" ;;
    tls) echo "$1-tls" ;;
    tls+tokens) echo "$1-tls-tokens" ;;
  esac
}

# run_load TARGET NAME ARGS...: one load run against the running cluster (variant CL_LABEL); JSON,
# text and CPU samples into the results dir. Never fails the script.
run_load() {
  local target="$1" name="$2"
  shift 2
  local base="$RAW_DIR/$CL_LABEL-$name$ROUND_SUFFIX" before rc=0 term_before term_after tool sampler
  before="$(loadavg)"
  term_before="$(cluster_max_term)"
  log "$CL_LABEL $name: running (load average $before)"
  # start_bench adds --ca and --token-file when the cluster is secured.
  start_bench load --target "$target" --endpoints "$(cluster_endpoints)" \
    --keys "$KEYS" --value-size "$VALUE_SIZE" --seed "$SEED" --json "$base.json" "$@" \
    >"$base.txt" 2>"$base.err"
  tool=$BENCH_PID
  cpu_sampler "$base.cpu" "$tool" "$base.err" "bellwether-bench: running " &
  sampler=$!
  wait "$tool" || rc=$?
  forget_pid "$tool"
  wait "$sampler" || true
  term_after="$(cluster_max_term)"
  # Terms before and after the run: any difference is an election during it.
  echo "$term_before $term_after" >"$base.terms"
  echo "$before" >"$base.load"
  echo "$CL_LABEL $name load-average-start=$before end=$(loadavg) exit=$rc terms=$term_before..$term_after" \
    >>"$RAW_DIR/loadavg.txt"
  if ((rc != 0)) || [[ ! -s "$base.json" ]]; then
    log "$CL_LABEL $name: FAILED (exit $rc); see $base.err"
    rm -f "$base.json"
    return 0
  fi
  cpu_per_op "$base" "$(jq -r '.durationSeconds' "$base.json")" "$(jq -r '.warmupSeconds' "$base.json")" \
    "$(jq -r '.ops' "$base.json")" >"$base.cpuop"
  log "$CL_LABEL $name: $(jq -r '"\(.throughput) ops/s, errors \(.errorCount)"' "$base.json"), term $term_before -> $term_after," \
    "CPU µs/op members tool: $(cut -d' ' -f1,3 "$base.cpuop")"
}

# cpu_per_op BASE DURATION WARMUP OPS: "members busiest-member tool machine", CPU µs per operation over
# the measured window of the run whose samples are BASE.cpu ("n/a n/a n/a n/a" without a start mark).
cpu_per_op() {
  local base="$1" duration="$2" warmup="$3" ops="$4" mark w
  mark="$(awk '$1 == "mark" { print $2; exit }' "$base.cpu" 2>/dev/null)"
  if [[ -z "$mark" || "$ops" == 0 ]]; then echo "n/a n/a n/a n/a"; return; fi
  read -r -a w <<<"$(window_ticks "$base.cpu" "$(awk -v m="$mark" -v d="$warmup" 'BEGIN { printf "%.6f", m + d }')" \
    "$(awk -v m="$mark" -v d="$warmup" -v l="$duration" 'BEGIN { printf "%.6f", m + d + l }')")"
  # w: tool member0 ... memberN-1 busy (clock ticks)
  printf '%s\n' "${w[@]}" | awk -v n="$CL_N" -v hz="$CLK_TCK" -v ops="$ops" '
    { v[NR - 1] = $1 }
    END {
      us = 1e6 / hz / ops
      for (i = 1; i <= n; i++) { m += v[i]; if (v[i] > max) max = v[i] }
      printf "%.0f %.0f %.0f %.0f\n", m * us, max * us, v[0] * us, v[n + 1] * us
    }'
}

# Stability: term and leader as each member sees them, before and after a full write load.
stability_check() {
  local target="$1" before after counters_before counters_after base="$RAW_DIR/$CL_LABEL-stability$ROUND_SUFFIX"
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
    echo "$CL_LABEL${ROUND_SUFFIX:+ (round ${ROUND_SUFFIX#-r})}: $verdict during ${STABILITY_DURATION} s of writes at $STABILITY_CONNECTIONS connections" \
      "(leader changes the load tool saw: $seen)"
    echo "  before (member term leader): $(tr '\n' ';' <<<"$before")"
    echo "  after:                       $(tr '\n' ';' <<<"$after")"
    echo "  counters summed over members, before: $counters_before"
    echo "                                after:  $counters_after"
  } | tee -a "$RAW_DIR/stability.txt" >&2
}

# measure TARGET MODE: a fresh cluster secured as MODE says, the prewarm, every workload, the
# stability check; then stop it.
measure() {
  local target="$1" mode="$2" c
  CL_TLS=0 CL_TOKENS=0
  [[ "$mode" == tls* ]] && CL_TLS=1
  [[ "$mode" == tls+tokens ]] && CL_TOKENS=1
  CL_LABEL="$(variant "$target" "$mode")"
  cluster_start "$target"
  log "$CL_LABEL: $(security_label)"
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
read -r -a mode_list <<<"$SECURITY"
# Every (mode, system) pair, etcd left out of tls+tokens (its auth is not bearer tokens).
pair_list=()
for mode in "${mode_list[@]}"; do
  for target in "${target_list[@]}"; do
    [[ "$mode" == tls+tokens && "$target" == etcd ]] && continue
    pair_list+=("$mode $target")
  done
done
for ((r = 1; r <= ROUNDS; r++)); do
  ROUND_SUFFIX="${round_suffixes[r - 1]}"
  order=("${pair_list[@]}")
  if ((r % 2 == 0)); then # even rounds in the reverse order
    order=()
    for ((i = ${#pair_list[@]} - 1; i >= 0; i--)); do order+=("${pair_list[i]}"); done
  fi
  if ((ROUNDS > 1)); then log "round $r of $ROUNDS: $(printf '%s, ' "${order[@]}")"; fi
  for pair in "${order[@]}"; do
    read -r mode target <<<"$pair"
    measure "$target" "$mode"
  done
done

# ---------------------------------------------------------------------------------------------
# The tables. Ratios are Bellwether / etcd: throughput ≥ 1.0 and p99 ≤ 1.2 are the comparison's targets.

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

# over_rounds VARIANT NAME JQ DECIMALS: the field's median over the rounds, rounded.
over_rounds() {
  local values=() suffix v
  for suffix in "${round_suffixes[@]}"; do values+=("$(field "$RAW_DIR/$1-$2$suffix.json" "$3" 6)"); done
  v="$(median "${values[@]}")"
  if [[ "$v" == n/a ]]; then echo n/a; else printf "%.${4}f\n" "$v"; fi
}

# per_round VARIANT_A VARIANT_B NAME JQ: each round's ratio A/B, space-separated.
per_round() {
  local out=() suffix
  for suffix in "${round_suffixes[@]}"; do
    out+=("$(ratio "$(field "$RAW_DIR/$1-$3$suffix.json" "$4" 6)" "$(field "$RAW_DIR/$2-$3$suffix.json" "$4" 6)")")
  done
  echo "${out[*]}"
}

# cpu_over_rounds VARIANT NAME COLUMN: median over the rounds of one column (1 members, 2 busiest
# member, 3 tool, 4 machine) of the runs' CPU µs per operation.
cpu_over_rounds() {
  local values=() suffix f
  for suffix in "${round_suffixes[@]}"; do
    f="$RAW_DIR/$1-$2$suffix.cpuop"
    if [[ -s "$f" ]]; then values+=("$(cut -d' ' -f"$3" "$f")"); else values+=(n/a); fi
  done
  local v
  v="$(median "${values[@]}")"
  if [[ "$v" == n/a ]]; then echo n/a; else printf "%.0f\n" "$v"; fi
}

# elections_over_rounds VARIANT NAME: elections summed over the rounds, or ?
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

mode_title() {
  case "$1" in
    off) echo "TLS off" ;;
    tls) echo "TLS on (clients and peers)" ;;
    tls+tokens) echo "TLS on, Bellwether with bearer tokens (etcd: TLS on)" ;;
  esac
}

# Does the run hold both systems? The Bellwether/etcd table needs both.
has_target() { [[ " $TARGETS " == *" $1 "* ]]; }

{
  echo "# Bellwether against etcd: throughput and latency"
  echo
  [[ "${QUICK:-0}" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  echo "Command: \`$COMMAND\`"
  echo
  machine_md
  if [[ -n "$ETCD_BIN" ]]; then echo "- etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"; fi
  echo "- Load average (1, 5, 15 min): $LOAD_AT_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
} >"$md"
: >"$RAW_DIR/summary.txt"

# compare_table MODE: the Bellwether / etcd table of one security mode.
compare_table() {
  local mode="$1" ev bv header fmt md_align row label name c kind et bt ep bp ee be cols
  ev="$(variant etcd "$mode")" bv="$(variant bellwether "$mode")"
  # tls+tokens: Bellwether with tokens against etcd with TLS.
  [[ "$mode" == tls+tokens ]] && ev="$(variant etcd tls)"
  header=(workload connections "etcd ops/s" "bellwether ops/s" ratio "etcd p99 ms" "bellwether p99 ms" "p99 ratio"
    "errors etcd/bw" "elections etcd/bw")
  fmt='%-18s %11s %12s %16s %7s %12s %17s %9s %14s %17s\n'
  md_align="| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  if ((ROUNDS > 1)); then
    header+=("ratio per round" "p99 ratio per round")
    fmt='%-18s %11s %12s %16s %7s %12s %17s %9s %14s %17s   %s   %s\n'
    md_align="$md_align --- | --- |"
  fi
  if [[ "$SECURITY" != off ]]; then
    printf '\n%s\n' "## $(mode_title "$mode"): Bellwether against etcd" | tee -a "$RAW_DIR/summary.txt" >>"$md"
  fi
  # shellcheck disable=SC2059 # the format is a constant
  printf "$fmt" "${header[@]}" | tee -a "$RAW_DIR/summary.txt"
  {
    echo
    md_row "${header[@]}"
    echo "$md_align"
  } >>"$md"
  for row in "${rows[@]}"; do
    read -r label name c <<<"$row"
    kind="write"
    [[ "$label" == read-* ]] && kind="read"
    et="$(over_rounds "$ev" "$name" .throughput 0)" bt="$(over_rounds "$bv" "$name" .throughput 0)"
    ep="$(over_rounds "$ev" "$name" ".$kind.p99Ms" 1)" bp="$(over_rounds "$bv" "$name" ".$kind.p99Ms" 1)"
    ee="$(over_rounds "$ev" "$name" .errorCount 0)" be="$(over_rounds "$bv" "$name" .errorCount 0)"
    cols=("$label" "$c" "$et" "$bt" "$(ratio "$bt" "$et")" "$ep" "$bp" "$(ratio "$bp" "$ep")" "$ee/$be"
      "$(elections_over_rounds "$ev" "$name")/$(elections_over_rounds "$bv" "$name")")
    if ((ROUNDS > 1)); then
      cols+=("$(per_round "$bv" "$ev" "$name" .throughput)" "$(per_round "$bv" "$ev" "$name" ".$kind.p99Ms")")
    fi
    # shellcheck disable=SC2059
    printf "$fmt" "${cols[@]}" | tee -a "$RAW_DIR/summary.txt"
    md_row "${cols[@]}" >>"$md"
  done
}

# cost_table: each secured mode against off, per system: what TLS (and tokens) cost.
cost_table() {
  local header md_align target mode v0 v1 row label name c kind t0 t1 p0 p1 cols
  header=(system mode workload connections "ops/s off" "ops/s secured" ratio "p99 ms off" "p99 ms secured" "p99 ratio"
    "members CPU µs/op off → secured" "leader CPU µs/op off → secured" "tool CPU µs/op off → secured" "errors off/secured")
  md_align="| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  if ((ROUNDS > 1)); then
    header+=("ratio per round" "p99 ratio per round")
    md_align="$md_align --- | --- |"
  fi
  {
    echo
    echo "## The cost of security: each mode against TLS off, per system"
    echo
    md_row "${header[@]}"
    echo "$md_align"
  } >>"$md"
  printf '\n%s\n' "cost of security (secured / off):" >>"$RAW_DIR/summary.txt"
  for target in "${target_list[@]}"; do
    v0="$(variant "$target" off)"
    for mode in "${mode_list[@]}"; do
      [[ "$mode" == off ]] && continue
      [[ "$mode" == tls+tokens && "$target" == etcd ]] && continue
      v1="$(variant "$target" "$mode")"
      for row in "${rows[@]}"; do
        read -r label name c <<<"$row"
        kind="write"
        [[ "$label" == read-* ]] && kind="read"
        t0="$(over_rounds "$v0" "$name" .throughput 0)" t1="$(over_rounds "$v1" "$name" .throughput 0)"
        p0="$(over_rounds "$v0" "$name" ".$kind.p99Ms" 1)" p1="$(over_rounds "$v1" "$name" ".$kind.p99Ms" 1)"
        cols=("$target" "$mode" "$label" "$c" "$t0" "$t1" "$(ratio "$t1" "$t0")" "$p0" "$p1" "$(ratio "$p1" "$p0")"
          "$(cpu_over_rounds "$v0" "$name" 1) → $(cpu_over_rounds "$v1" "$name" 1)"
          "$(cpu_over_rounds "$v0" "$name" 2) → $(cpu_over_rounds "$v1" "$name" 2)"
          "$(cpu_over_rounds "$v0" "$name" 3) → $(cpu_over_rounds "$v1" "$name" 3)"
          "$(over_rounds "$v0" "$name" .errorCount 0)/$(over_rounds "$v1" "$name" .errorCount 0)")
        if ((ROUNDS > 1)); then
          cols+=("$(per_round "$v1" "$v0" "$name" .throughput)" "$(per_round "$v1" "$v0" "$name" ".$kind.p99Ms")")
        fi
        md_row "${cols[@]}" >>"$md"
        echo "${cols[*]}" >>"$RAW_DIR/summary.txt"
      done
    done
  done
}

# load_over_rounds VARIANT NAME: median over the rounds of the 1-minute load average at each run's start.
load_over_rounds() {
  local values=() suffix f
  for suffix in "${round_suffixes[@]}"; do
    f="$RAW_DIR/$1-$2$suffix.load"
    if [[ -s "$f" ]]; then values+=("$(<"$f")"); else values+=(n/a); fi
  done
  median "${values[@]}"
}

# cpu_table: CPU µs per operation of every variant and workload (medians over the rounds).
cpu_table() {
  local target mode v row label name c
  {
    echo
    echo "## CPU per operation (µs, medians over the rounds)"
    echo
    md_row system security workload connections "members (3)" "busiest member" "load tool" machine \
      "load average at start"
    echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for mode in "${mode_list[@]}"; do
      for target in "${target_list[@]}"; do
        [[ "$mode" == tls+tokens && "$target" == etcd ]] && continue
        v="$(variant "$target" "$mode")"
        for row in "${rows[@]}"; do
          read -r label name c <<<"$row"
          md_row "$target" "$mode" "$label" "$c" "$(cpu_over_rounds "$v" "$name" 1)" "$(cpu_over_rounds "$v" "$name" 2)" \
            "$(cpu_over_rounds "$v" "$name" 3)" "$(cpu_over_rounds "$v" "$name" 4)" "$(load_over_rounds "$v" "$name")"
        done
      done
    done
  } >>"$md"
}

if has_target etcd && has_target bellwether; then
  for mode in "${mode_list[@]}"; do compare_table "$mode"; done
fi
if [[ " $SECURITY " == *" off "* ]] && ((${#mode_list[@]} > 1)); then cost_table; fi
cpu_table
{
  echo
  if ((ROUNDS > 1)); then
    echo "Medians over $ROUNDS rounds (fresh clusters each round; in odd rounds the order is" \
      "$(printf '%s, ' "${pair_list[@]}" | sed 's/, $//'), reversed in even ones); errors are the median per round," \
      "elections the sum over all rounds."
  fi
  echo "Ratios: Bellwether / etcd, or secured / off. Runs of ${DURATION} s after ${WARMUP} s of warm-up, closed loop, ${KEYS} keys," \
    "${VALUE_SIZE}-byte values; writes through the leader, reads from: $READ_FROM." \
    "Elections: rise of the highest term over the run (each is an election; the target is 0)." \
    "CPU µs/op: CPU time over the measured window / operations in it (members: all three; leader: the busiest" \
    "member; tool: the load tool; machine: every process, other users' included; the load average (1 minute) is" \
    "the median of the runs' starts: above 2 the 2 CPUs were shared with work outside the benchmark)."
  if [[ "$SECURITY" != off ]]; then
    echo "Security: TLS = HTTPS for clients (server certificate only) and mutual TLS between members, certificates" \
      "from \`bin/bellwether certs\` (ECDSA P-256); tokens = every Bellwether request carries a bearer token the" \
      "node checks. The load tool: Vert.x with the JDK's TLS, one handshake per connection (in the warm-up)."
  fi
  if [[ -s "$RAW_DIR/stability.txt" ]]; then
    echo
    grep -v '^  ' "$RAW_DIR/stability.txt" | sed 's/^/- /'
  fi
} | tee -a "$md" >>"$RAW_DIR/summary.txt"
if [[ -s "$RAW_DIR/stability.txt" ]]; then
  echo
  grep -v '^  ' "$RAW_DIR/stability.txt"
fi
manifest_write "$COMMAND" "security: $SECURITY"
log "results: $RESULTS_DIR (summary.md and manifest.txt to commit; raw/: one JSON per run, CPU samples, logs)"
