#!/usr/bin/env bash
# transfer-pause.sh: how long writers wait while the leadership is handed over on purpose
# (POST /v1/leader/transfer, as a rolling restart or an operator does). On a 3-node cluster on
# 127.0.0.1, ROUNDS times: a closed-loop write run through the leader (the load tool follows the
# leader), once with TRANSFERS hand-overs spread over it and once without any (the baseline: the
# same load's own tail, from fsync stalls and GC). A write that arrives during a hand-over waits
# for it, so the longest write of a run with hand-overs is the longest pause a writer saw.
#
# Usage: benchmarks/scripts/transfer-pause.sh     (QUICK=1 for a short try; --help for this text)
# Environment (defaults in brackets; QUICK=1 changes the starred ones):
#   ROUNDS [3]* TRANSFERS [5]* hand-overs per run, one every SPACING [4] seconds after WARMUP [5]*
#   CONNECTIONS [16] KEYS [1000] VALUE_SIZE [100] SEED [42] PREWARM [30]* seconds of discarded load first
#   BELLWETHER_JAR BELLWETHER_BENCH_JAR NODE_JAVA_OPTS NODE_SETTINGS READY_TIMEOUT RESULTS_DIR KEEP_WORK:
#   see lib.sh
# Output: the table on stdout; in benchmarks/results/<UTC time>-transfer-pause[-quick]/, summary.md
# and manifest.txt (to commit); raw/: the tool's JSON and report per run, each hand-over's answer.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
if [[ "$QUICK" == 1 ]]; then
  ROUNDS="${ROUNDS:-1}" TRANSFERS="${TRANSFERS:-2}" WARMUP="${WARMUP:-2}" PREWARM="${PREWARM:-5}"
fi
ROUNDS="${ROUNDS:-3}"
TRANSFERS="${TRANSFERS:-5}"
SPACING="${SPACING:-4}"
WARMUP="${WARMUP:-5}"
PREWARM="${PREWARM:-30}"
CONNECTIONS="${CONNECTIONS:-16}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
SEED="${SEED:-42}"

lib_init transfer-pause
require_tools curl jq awk java
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=$QUICK ROUNDS=$ROUNDS TRANSFERS=$TRANSFERS SPACING=$SPACING WARMUP=$WARMUP PREWARM=$PREWARM"
COMMAND+=" CONNECTIONS=$CONNECTIONS benchmarks/scripts/transfer-pause.sh"
raw="$RAW_DIR"
duration=$((TRANSFERS * SPACING + 2))

log "starting a 3-node cluster"
cluster_start bellwether 3
endpoints="$(cluster_endpoints)"
common=(--target bellwether --endpoints "$endpoints" --keys "$KEYS" --value-size "$VALUE_SIZE" --seed "$SEED"
  --workload write --write-to leader --rate 0 --connections "$CONNECTIONS")
log "pre-warm: ${PREWARM}s of writes (discarded)"
run_bench load "${common[@]}" --duration "${PREWARM}s" --warmup 0s --json "$raw/prewarm.json" \
  >"$raw/prewarm.log" 2>&1 || die "pre-warm failed (see $raw/prewarm.log)"

tsv="$raw/results.tsv"
printf 'round\tcase\ttransfers\twrites_per_s\tp50_ms\tp99_ms\tp999_ms\tmax_ms\terrors\thandover_ms\n' >"$tsv"

for ((r = 1; r <= ROUNDS; r++)); do
  for case in baseline transfers; do
    name="r$r-$case"
    log "$name: ${WARMUP}s + ${duration}s of writes at $CONNECTIONS connections"
    start_bench load "${common[@]}" --duration "${duration}s" --warmup "${WARMUP}s" --json "$raw/$name.json" \
      >"$raw/$name.log" 2>&1
    tool=$BENCH_PID
    deadline=$((SECONDS + 60))
    until grep -q 'bellwether-bench: running ' "$raw/$name.log" 2>/dev/null; do
      ((SECONDS < deadline)) || die "the load tool did not start (see $raw/$name.log)"
      sleep 0.1
    done
    sleep "$WARMUP"
    handovers=""
    if [[ "$case" == transfers ]]; then
      for ((t = 1; t <= TRANSFERS; t++)); do
        sleep "$SPACING"
        leader="$(cluster_leader)"
        started=$EPOCHREALTIME
        code="$(cl_curl -s -o "$raw/$name-handover$t.json" -w '%{http_code}' --max-time 10 -X POST \
          "${MEMBER_URLS[leader]}/v1/leader/transfer" || true)"
        ms="$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
        log "$name: hand-over $t from ${MEMBER_NAMES[leader]}: HTTP $code in $ms ms ($(cat "$raw/$name-handover$t.json"))"
        [[ "$code" == 200 ]] || log "warning: hand-over $t answered $code"
        handovers+="${handovers:+ }$ms"
      done
    fi
    rc=0
    wait "$tool" || rc=$?
    forget_pid "$tool"
    ((rc == 0)) || die "load tool failed in $name (see $raw/$name.log)"
    jq -r --arg r "$r" --arg c "$case" --arg n "$([[ $case == transfers ]] && echo "$TRANSFERS" || echo 0)" --arg h "${handovers:--}" \
      '[$r, $c, $n, (.throughput | round), .write.p50Ms, .write.p99Ms, .write.p999Ms, .write.maxMs, .errorCount, $h] | @tsv' \
      "$raw/$name.json" >>"$tsv"
  done
done

header=$'round\tcase\ttransfers\twrites/s\tp50 ms\tp99 ms\tp99.9 ms\tlongest write ms\terrors\thand-over answered in ms'
table="$(tail -n +2 "$tsv")"
text_table "$header" "$table"

{
  printf '# Planned hand-over: the longest write pause\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Cluster: 3 nodes (mapdb, vertx, static), loopback; node settings: %s\n' "${NODE_SETTINGS:-defaults}"
  printf -- '- Load: closed-loop writes through the leader at %s connections, %s keys of %s B; %ss pre-warm; per run %ss warm-up and %ss measured\n' \
    "$CONNECTIONS" "$KEYS" "$VALUE_SIZE" "$PREWARM" "$WARMUP" "$duration"
  printf -- '- Hand-overs: POST /v1/leader/transfer to the leader every %ss, %s per run; "answered in": until the new leader led\n\n' "$SPACING" "$TRANSFERS"
  md_table "$header" "$table"
  printf '\nA write that arrives during a hand-over waits for it: the longest write of a run with hand-overs is the longest pause a writer saw; the baseline run (same load, no hand-over) shows the tail the load has anyway.\n'
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND"
log "done: $RESULTS_DIR/summary.md"
