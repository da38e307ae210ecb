#!/usr/bin/env bash
# cli-time.sh: how long a `bellwether` client command takes, wall clock, as a user runs it: through
# bin/bellwether (the launcher, its JVM start, the command, the JVM's exit), RUNS times each, against
# a 3-node cluster on 127.0.0.1 (put and get through the leader, status), and against a URL where
# nothing listens (get to a dead node: the start-up cost alone).
#
# Variants (rows):
#   archive     the launcher's default: classes from the class-data sharing archive it keeps beside
#               the jar (made once per jar by a training run; the first call's time, training
#               included, is reported separately)
#   no-archive  the same jar with BELLWETHER_CDS=0 (the launcher neither makes nor uses an archive)
#   baseline    BASELINE_JAR, when given (e.g. a jar built from an older commit), run the same way
#
# Usage: benchmarks/scripts/cli-time.sh          (QUICK=1 for a short try; --help for this text)
# Environment (defaults in brackets; QUICK=1 changes the starred ones):
#   RUNS [20]* timed runs per command and variant, after one untimed run
#   BASELINE_JAR [none] another node jar to time the same way
#   BELLWETHER_JAR NODE_JAVA_OPTS NODE_SETTINGS READY_TIMEOUT RESULTS_DIR KEEP_WORK: see lib.sh
# Output: the table on stdout; in benchmarks/results/<UTC time>-cli-time[-quick]/, summary.md and
# manifest.txt (to commit); raw/times.tsv (every run: variant, command, milliseconds, exit code).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_help "$@"

QUICK="${QUICK:-0}"
[[ "$QUICK" == 1 ]] && RUNS="${RUNS:-3}"
RUNS="${RUNS:-20}"
BASELINE_JAR="${BASELINE_JAR:-}"

lib_init cli-time
require_tools curl jq awk java
ensure_bellwether_jar
COMMAND="QUICK=$QUICK RUNS=$RUNS${BASELINE_JAR:+ BASELINE_JAR=$BASELINE_JAR} benchmarks/scripts/cli-time.sh"
times="$RAW_DIR/times.tsv"
printf 'variant\tcommand\tms\texit\n' >"$times"

log "starting a 3-node cluster"
cluster_start bellwether 3
leader="$(cluster_leader)"
url="${MEMBER_URLS[leader]}"
free_port dead_port
dead="http://127.0.0.1:$dead_port"
log "cluster ready; leader ${MEMBER_NAMES[leader]} at $url"

# The jar of each variant. The archive variant runs a private copy, so the archive its launcher makes
# belongs to this run (and the first call, which makes it, can be timed).
mkdir -p "$WORK_DIR/archive"
cp "$BELLWETHER_JAR" "$WORK_DIR/archive/bellwether.jar"
variants=(archive no-archive)
declare -A jar_of=([archive]="$WORK_DIR/archive/bellwether.jar" [no-archive]="$BELLWETHER_JAR")
declare -A cds_of=([archive]=1 [no-archive]=0 [baseline]=1)
if [[ -n "$BASELINE_JAR" ]]; then
  [[ -f "$BASELINE_JAR" ]] || die "BASELINE_JAR=$BASELINE_JAR does not exist"
  mkdir -p "$WORK_DIR/baseline"
  cp "$BASELINE_JAR" "$WORK_DIR/baseline/bellwether.jar"
  variants+=(baseline)
  jar_of[baseline]="$WORK_DIR/baseline/bellwether.jar"
fi

# timed VARIANT NAME ARGS...: runs bin/bellwether ARGS once with that variant's jar, appends a row.
timed() {
  local variant="$1" name="$2" start ms rc=0
  shift 2
  start="$EPOCHREALTIME"
  env -u BELLWETHER_JAVA_OPTS BELLWETHER_JAR="${jar_of[${variant%-untimed}]}" BELLWETHER_CDS="${cds_of[${variant%-untimed}]}" \
    "$BENCH_ROOT/bin/bellwether" "$@" \
    >/dev/null 2>&1 || rc=$?
  ms="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
  printf '%s\t%s\t%s\t%s\n' "$variant" "$name" "$ms" "$rc" >>"$times"
}

first_call_ms=""
commands=(put get status get-dead)
for variant in "${variants[@]}"; do
  log "timing $variant ($RUNS runs of each command)"
  for c in "${commands[@]}"; do
    for ((i = 0; i <= RUNS; i++)); do
      v="$variant"
      ((i == 0)) && v="$variant-untimed"
      case "$c" in
        put) timed "$v" put put cli/key "value $i" --url "$url" ;;
        get) timed "$v" get get cli/key --url "$url" ;;
        status) timed "$v" status status --url "$url" ;;
        get-dead) timed "$v" get-dead get cli/key --url "$dead" --timeout 2 ;;
      esac
      if [[ "$variant" == archive && -z "$first_call_ms" ]]; then
        first_call_ms="$(tail -n 1 "$times" | cut -f3)"
      fi
    done
  done
done

# The exit codes: every call against the cluster succeeded, every call to the dead URL failed with 1.
bad="$(awk -F'\t' 'NR > 1 && (($2 == "get-dead") != ($4 == 1)) { n++ } END { print n + 0 }' "$times")"
[[ "$bad" == 0 ]] || log "warning: $bad calls ended with an unexpected exit code (raw/times.tsv)"

header=$'variant\tcommand\truns\tmedian ms\tp90 ms\tmin ms\tmax ms'
table="$(awk -F'\t' 'NR > 1 && $1 !~ /untimed/ { k = $1 "\t" $2; v[k] = v[k] " " $3; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
  END {
    for (i = 1; i <= n; i++) {
      m = split(substr(v[order[i]], 2), a, " ")
      for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
      med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
      p90 = a[int(0.9 * m + 0.999999)]
      printf "%s\t%d\t%.0f\t%s\t%s\t%s\n", order[i], m, med, p90, a[1], a[m]
    }
  }' "$times")"

text_table "$header" "$table"
printf '\nfirst call with a new jar (training run of the archive included): %s ms\n' "$first_call_ms"

{
  printf '# The command line: wall time of a client command\n\n'
  [[ "$QUICK" == 1 ]] && printf '**QUICK run: provisional, only proves the script works.**\n\n'
  printf "Command: \`%s\`\n\n" "$COMMAND"
  machine_md
  printf -- '- Cluster: 3 nodes (mapdb, vertx, static), loopback; put and get through the leader; get-dead: a URL where nothing listens\n'
  printf -- '- Each figure: %s calls of `bin/bellwether COMMAND` (launcher, JVM start, the call, exit), one untimed call before them\n\n' "$RUNS"
  md_table "$header" "$table"
  printf '\n- First call with a new jar (the launcher makes the archive: a training run, then the call): %s ms.\n' "$first_call_ms"
  printf -- '- archive: classes from the launcher'"'"'s class-data sharing archive; no-archive: `BELLWETHER_CDS=0`, none made or used'
  [[ -n "$BASELINE_JAR" ]] && printf '; baseline: %s' "$(jar_line "$BASELINE_JAR")"
  printf '.\n'
} >"$RESULTS_DIR/summary.md"
manifest_write "$COMMAND"
log "done: $RESULTS_DIR/summary.md"
