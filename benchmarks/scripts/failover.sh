#!/usr/bin/env bash
# failover.sh: unavailability after kill -9 of the leader under write load, etcd against Bellwether.
# For each target: start a fresh 3-member cluster on 127.0.0.1, then TRIALS times: one
# `bellwether-bench failover` trial (steady writes, SIGKILL of the leader, time from the kill to the
# first successful write sent after it), restart the killed member on its own data, wait until every
# member is up and agrees on a leader. See docs/BENCHMARKS.md, "Comparison with etcd", and lib.sh for
# the settings (heartbeat 100 ms, election timeout 500 ms on both).
#
# Needs etcd: ETCD_BIN, or etcd on the PATH. When it is missing the script stops and prints the
# install command (Debian: sudo apt-get install -y etcd-server etcd-client); INSTALL_ETCD=1 lets it
# run that command itself. It installs nothing otherwise.
#
#   benchmarks/scripts/failover.sh --help     # this text
#   benchmarks/scripts/failover.sh            # 5 trials per target, 5 s of load before each kill
#   QUICK=1 benchmarks/scripts/failover.sh    # 3 trials, 2 s before each kill
#   SIGNAL=STOP benchmarks/scripts/failover.sh   # freeze the leader instead: its sockets stay open,
#                                                # as with a hung host or a partition (killed after)
#
# Environment:
#   TRIALS=5 CONNECTIONS=16 SETTLE=5 MAX_WAIT=30   (seconds)   SIGNAL=KILL (or STOP)
#   TARGETS="etcd bellwether" KEYS=1000 VALUE_SIZE=100 SEED=42
#   BELLWETHER_JAR, BELLWETHER_BENCH_JAR, NODE_JAVA_OPTS, NODE_SETTINGS, ETCD_BIN, INSTALL_ETCD,
#   ETCD_QUOTA_BYTES, READY_TIMEOUT, RESULTS_DIR, KEEP_WORK: see lib.sh
#
# Output in benchmarks/results/<UTC time>-failover[-stop][-quick]/: summary.md (per target the
# median, min and max, every trial, the ratio; the command and the machine) and manifest.txt (date,
# commit, command, machine, versions, checksums of the raw files), to commit; raw/ (not committed):
# summary.txt, trials.txt, per trial the tool's JSON, report and timeline, members' logs.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

if [[ "${QUICK:-0}" == 1 ]]; then
  TRIALS="${TRIALS:-3}" SETTLE="${SETTLE:-2}"
fi
TRIALS="${TRIALS:-5}"
CONNECTIONS="${CONNECTIONS:-16}"
SETTLE="${SETTLE:-5}"
MAX_WAIT="${MAX_WAIT:-30}"
TARGETS="${TARGETS:-etcd bellwether}"
KEYS="${KEYS:-1000}"
VALUE_SIZE="${VALUE_SIZE:-100}"
SEED="${SEED:-42}"
SIGNAL="${SIGNAL:-KILL}"
[[ "$SIGNAL" == KILL || "$SIGNAL" == STOP ]] || { echo "SIGNAL must be KILL or STOP, got '$SIGNAL'" >&2; exit 2; }

if [[ "$SIGNAL" == STOP ]]; then lib_init failover-stop; else lib_init failover; fi
require_tools curl jq ps java
if [[ " $TARGETS " == *" etcd "* ]]; then ensure_etcd; fi
ensure_bellwether_jar
ensure_bench_tool
COMMAND="QUICK=${QUICK:-0} TRIALS=$TRIALS CONNECTIONS=$CONNECTIONS SETTLE=$SETTLE MAX_WAIT=$MAX_WAIT SIGNAL=$SIGNAL"
COMMAND+=" TARGETS='$TARGETS' KEYS=$KEYS VALUE_SIZE=$VALUE_SIZE SEED=$SEED benchmarks/scripts/failover.sh"

trials_file="$RAW_DIR/trials.txt"
# first write: kill -> ack of the first write sent after the kill (the measure); gap: last ack before
# the kill -> that ack; longest 0-ok: the tool's timelineGapMs, the longest run of 100 ms buckets
# without any successful write from the kill on. The probes stop at the first success while writers
# whose request was in flight at the kill may wait for it up to the tool's --timeout (5 s), so this
# can be longer than "first write": it shows how long such requests hang. All in ms.
tfmt='%-11s %5s %-22s %-22s %11s %9s %13s %8s\n'
# shellcheck disable=SC2059 # the format is a constant
printf "$tfmt" target trial killed "new leader" "first write" gap "longest 0-ok" "load avg" | tee "$trials_file" >&2

declare -A RESULTS=()   # target -> space-separated ms of the successful trials
declare -A FAILED=()
declare -A STALLS=()    # target -> space-separated longest no-success runs (ms)

for target in $TARGETS; do
  RESULTS[$target]=""
  FAILED[$target]=0
  STALLS[$target]=""
  cluster_start "$target"
  for ((t = 1; t <= TRIALS; t++)); do
    base="$RAW_DIR/$target-trial$t"
    rc=0
    seen_leader="$(cluster_leader_name)"
    log "$target trial $t/$TRIALS: leader $seen_leader, terms (member term leader): $(cluster_views | tr '\n' ';'), pids $(cluster_pids_arg)"
    run_bench failover --target "$target" --endpoints "$(cluster_endpoints)" --pids "$(cluster_pids_arg)" \
      --connections "$CONNECTIONS" --settle "${SETTLE}s" --max-wait "${MAX_WAIT}s" \
      --keys "$KEYS" --value-size "$VALUE_SIZE" --seed "$((SEED + t))" --signal "$SIGNAL" \
      --json "$base.json" --timeline "$base-timeline.csv" >"$base.txt" 2>"$base.err" || rc=$?
    cluster_reap
    if ((${#REAPED[@]} == 0)); then
      log "$target trial $t: no member was killed (exit $rc); see $base.err"
      FAILED[$target]=$((FAILED[$target] + 1))
      cluster_wait_healthy "$READY_TIMEOUT"
      continue
    fi
    ms="$(jq -r '.firstWriteAfterKillMs // "none" | if type == "number" then . * 10 | round / 10 else . end' \
      "$base.json" 2>/dev/null || echo none)"
    if [[ "$ms" == none ]]; then
      FAILED[$target]=$((FAILED[$target] + 1))
    else
      RESULTS[$target]+="$ms "
    fi
    killed="$(jq -r '.killedUrl // "?"' "$base.json" 2>/dev/null || echo "?")"
    newleader="$(jq -r '.newLeader // "?"' "$base.json" 2>/dev/null || echo "?")"
    gap="$(jq -r '.gapMs // "n/a" | if type == "number" then . * 10 | round / 10 else . end' \
      "$base.json" 2>/dev/null || echo n/a)"
    tgap="$(jq -r '.timelineGapMs // "n/a"' "$base.json" 2>/dev/null || echo n/a)"
    [[ "$tgap" != n/a ]] && STALLS[$target]+="$tgap "
    for i in "${REAPED[@]}"; do
      if [[ "${MEMBER_NAMES[i]}" != "$seen_leader" ]]; then
        log "WARNING: the leader changed between the health check ($seen_leader) and the kill (${MEMBER_NAMES[i]}):" \
          "an election without a fault"
      fi
    done
    # shellcheck disable=SC2059
    printf "$tfmt" "$target" "$t" "${killed#http://}" "${newleader#http://}" "$ms ms" "$gap" "$tgap" \
      "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$trials_file" >&2
    for i in "${REAPED[@]}"; do
      log "restarting ${MEMBER_NAMES[i]} on its data"
      cluster_restart_member "$i"
    done
  done
  cluster_stop
done

# ---------------------------------------------------------------------------------------------
# Summary: milliseconds from the kill to the first successful write sent after it.

summary="$RAW_DIR/summary.txt"
md="$RESULTS_DIR/summary.md"
sfmt='%-11s %7s %10s %10s %10s %7s %18s  %s\n'
# shellcheck disable=SC2059
printf "$sfmt" target trials "median ms" "min ms" "max ms" failed "median 0-ok ms" "all (ms)" | tee "$summary"
{
  echo "# Failover: kill of the leader under write load, Bellwether against etcd"
  echo
  [[ "${QUICK:-0}" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  echo "Command: \`$COMMAND\`"
  echo
  machine_md
  if [[ -n "$ETCD_BIN" ]]; then echo "- etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"; fi
  echo
  echo "Milliseconds from the SIG$SIGNAL of the leader to the acknowledgment of the first write sent after it;" \
    "longest 0-ok run: the longest run of 100 ms buckets without a successful write from the kill on."
  echo
  echo "| target | trials | median ms | min ms | max ms | failed | median longest 0-ok run ms | trials (ms) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
} >"$md"
declare -A MEDIAN=() MEDIAN_STALL=()
for target in $TARGETS; do
  read -r -a values <<<"${RESULTS[$target]}"
  if ((${#values[@]} > 0)); then
    MEDIAN[$target]="$(median "${values[@]}")"
    min="$(printf '%s\n' "${values[@]}" | sort -g | head -1)"
    max="$(printf '%s\n' "${values[@]}" | sort -g | tail -1)"
  else
    MEDIAN[$target]=n/a min=n/a max=n/a
  fi
  read -r -a stalls <<<"${STALLS[$target]}"
  MEDIAN_STALL[$target]=n/a
  ((${#stalls[@]} > 0)) && MEDIAN_STALL[$target]="$(median "${stalls[@]}")"
  # shellcheck disable=SC2059
  printf "$sfmt" "$target" "$TRIALS" "${MEDIAN[$target]}" "$min" "$max" "${FAILED[$target]}" \
    "${MEDIAN_STALL[$target]}" "${values[*]:-}" | tee -a "$summary"
  echo "| $target | $TRIALS | ${MEDIAN[$target]} | $min | $max | ${FAILED[$target]} | ${MEDIAN_STALL[$target]} | ${values[*]:-} |" >>"$md"
done
if [[ -n "${MEDIAN[etcd]:-}" && -n "${MEDIAN[bellwether]:-}" ]]; then
  line="median ratio bellwether / etcd (kill to first write): $(ratio "${MEDIAN[bellwether]}" "${MEDIAN[etcd]}") (target: <= 1.0)"
  echo "$line" | tee -a "$summary"
  printf '\n%s\n' "$line" >>"$md"
fi
{
  printf '\nTrials (first write and gap in ms; gap: from the last acknowledgment before the kill):\n\n```\n'
  cat "$trials_file"
  printf '```\n'
} >>"$md"
manifest_write "$COMMAND"
log "results: $RESULTS_DIR (summary.md and manifest.txt to commit; raw/: one JSON and timeline per trial, logs)"
