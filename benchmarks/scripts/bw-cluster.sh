# shellcheck shell=bash disable=SC2034 # the BW_* globals are read by the scripts that source this
# bw-cluster.sh: small helpers shared by reads.sh, disk-bounded.sh and restart-time.sh. Source it.
#
# Starts Bellwether nodes as separate `bin/bellwether node` processes on loopback (not through
# `local-cluster`, so that each node's PID is known and one node can be stopped and restarted alone),
# polls their readiness, reads their CPU time from /proc, and stops everything it started on exit.
#
# Environment read here:
#   BELLWETHER_JAR        node jar (default: node-app/target/bellwether.jar); must exist
#   BELLWETHER_BENCH_JAR  load-tool jar, passed on to bin/bellwether-bench
#   NODE_JAVA_OPTS        extra JVM flags for the nodes (e.g. -Xmx1g), appended by bin/bellwether
#   NODE_SETTINGS         extra node settings, space separated KEY=VALUE (e.g. snapshot.entries=5000)
#   KEEP_DATA=1           keep the temporary data directories and logs
#   RESULTS_DIR           where to write results (default benchmarks/results/<timestamp>-<name>)
#
# After bw_start_cluster N, node i (0-based) is BW_IDS[i] (n1..nN), BW_URLS[i] (http://127.0.0.1:P),
# BW_PIDS[i], BW_DIRS[i] (its data directory) and BW_LOGS[i].

BW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BW_BIN="$BW_ROOT/bin/bellwether"
BW_BENCH="${BW_BENCH:-$BW_ROOT/bin/bellwether-bench}"
BW_CLUSTER_ID="bwmeas"
BW_CLK_TCK="$(getconf CLK_TCK)"
BW_IDS=()
BW_URLS=()
BW_PEERS=()
BW_PIDS=()
BW_DIRS=()
BW_LOGS=()
BW_START=()          # EPOCHREALTIME just before each node's last launch
BW_USED_PORTS=" "
BW_EXTRA_PIDS=()     # other processes started by a script (the load tool), stopped on exit
BW_WORK=""
BW_PEER_LIST=""

bw_log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
bw_die() { bw_log "error: $*"; exit 1; }

# Checks the tools and jars, makes the temporary work directory, installs the exit trap.
bw_init() {
  local t
  for t in curl jq awk du ss java; do
    command -v "$t" >/dev/null || bw_die "'$t' is needed on the PATH"
  done
  export BELLWETHER_JAR="${BELLWETHER_JAR:-$BW_ROOT/node-app/target/bellwether.jar}"
  [[ -f "$BELLWETHER_JAR" ]] || bw_die "node jar $BELLWETHER_JAR not found; build it (mvn -pl node-app -am package -DskipTests) or set BELLWETHER_JAR"
  BW_WORK="$(mktemp -d /tmp/bw-meas.XXXXXX)"
  trap bw_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# The load tool; fails clearly when it is not there yet.
bw_require_bench() {
  [[ -x "$BW_BENCH" ]] || bw_die "load tool $BW_BENCH not found (set BW_BENCH to another launcher)"
  if [[ -n "${BELLWETHER_BENCH_JAR:-}" ]]; then
    [[ -f "$BELLWETHER_BENCH_JAR" ]] || bw_die "BELLWETHER_BENCH_JAR=$BELLWETHER_BENCH_JAR does not exist"
    export BELLWETHER_BENCH_JAR
  fi
}

# Runs the load tool with the given arguments, in the foreground.
bw_bench() { "$BW_BENCH" load "$@"; }

# Makes and prints the results directory benchmarks/results/<UTC timestamp>-NAME (or $RESULTS_DIR).
bw_results_dir() {
  local dir="${RESULTS_DIR:-$BW_ROOT/benchmarks/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$1}"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# Sets BW_PORT to a free loopback TCP port not handed out before by this script.
bw_free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ "$BW_USED_PORTS" == *" $p "* ]] && continue
    [[ -n "$(ss -Htln "sport = :$p")" ]] && continue
    BW_USED_PORTS+="$p "
    BW_PORT=$p
    return 0
  done
}

# Lays out N nodes (ids, ports, data directories) without starting them.
bw_layout() {
  local n=$1 i peer http parts=()
  for ((i = 0; i < n; i++)); do
    bw_free_port; peer=$BW_PORT
    bw_free_port; http=$BW_PORT
    BW_IDS[i]="n$((i + 1))"
    BW_PEERS[i]="127.0.0.1:$peer"
    BW_URLS[i]="http://127.0.0.1:$http"
    BW_DIRS[i]="$BW_WORK/${BW_IDS[i]}"
    BW_LOGS[i]="$BW_WORK/${BW_IDS[i]}.log"
    BW_PIDS[i]=""
    mkdir -p "${BW_DIRS[i]}"
    parts+=("${BW_IDS[i]}=${BW_PEERS[i]}@${BW_URLS[i]#http://}")
  done
  BW_PEER_LIST="$(IFS=,; printf '%s' "${parts[*]}")"
}

# Launches node i (0-based) in the background and records its PID and launch time. The node sees no
# BELLWETHER_* variable other than BELLWETHER_JAR and BELLWETHER_JAVA_OPTS: the node treats every other
# one as a setting and refuses unknown ones (BELLWETHER_BENCH_JAR would stop it).
bw_launch_node() {
  local i=$1 s unset_env=() sets=() v
  for v in $(compgen -e); do
    [[ "$v" == BELLWETHER_* && "$v" != BELLWETHER_JAR && "$v" != BELLWETHER_JAVA_OPTS ]] && unset_env+=(-u "$v")
  done
  # shellcheck disable=SC2086 # NODE_SETTINGS is a space-separated list on purpose
  for s in ${NODE_SETTINGS:-}; do sets+=(--set "$s"); done
  printf '\n=== launch %s at %(%F %T)T\n' "${BW_IDS[i]}" -1 >>"${BW_LOGS[i]}"
  BW_START[i]=$EPOCHREALTIME
  env "${unset_env[@]}" BELLWETHER_JAVA_OPTS="${NODE_JAVA_OPTS:-}" \
    "$BW_BIN" node --node-id "${BW_IDS[i]}" --cluster-id "$BW_CLUSTER_ID" \
    --data-dir "${BW_DIRS[i]}" --peers "$BW_PEER_LIST" --storage mapdb --transport vertx \
    --discovery static "${sets[@]}" >>"${BW_LOGS[i]}" 2>&1 &
  BW_PIDS[i]=$!
}

# Starts an N-node cluster and waits until every node is ready. Prints nothing; see BW_* arrays.
bw_start_cluster() {
  local n=$1 i
  bw_layout "$n"
  for ((i = 0; i < n; i++)); do bw_launch_node "$i"; done
  bw_wait_cluster_ready "${READY_TIMEOUT:-90}"
}

bw_alive() { [[ -n "${BW_PIDS[$1]}" ]] && kill -0 "${BW_PIDS[$1]}" 2>/dev/null; }

# HTTP status of GET URL (000 when nothing answers).
bw_http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-2}" "$1" || true; }

# Waits until node i answers 200 on /health/ready; fails after TIMEOUT seconds or if it died.
bw_wait_ready() {
  local i=$1 timeout=${2:-90} deadline
  deadline=$(( ${EPOCHREALTIME%.*} + timeout ))
  while (( ${EPOCHREALTIME%.*} < deadline )); do
    [[ "$(bw_http_code "${BW_URLS[i]}/health/ready" 1)" == 200 ]] && return 0
    bw_alive "$i" || { bw_tail_log "$i"; bw_die "node ${BW_IDS[i]} exited before it was ready"; }
    sleep 0.05
  done
  bw_tail_log "$i"
  bw_die "node ${BW_IDS[i]} not ready after ${timeout}s"
}

# Waits until every node is ready and all name the same leader.
bw_wait_cluster_ready() {
  local timeout=${1:-90} deadline i leader l ok
  deadline=$(( ${EPOCHREALTIME%.*} + timeout ))
  for i in "${!BW_IDS[@]}"; do bw_wait_ready "$i" "$timeout"; done
  while (( ${EPOCHREALTIME%.*} < deadline )); do
    ok=1; leader=""
    for i in "${!BW_IDS[@]}"; do
      l="$(curl -s --max-time 1 "${BW_URLS[i]}/health/ready" | jq -r '.leader // empty' 2>/dev/null || true)"
      if [[ -z "$l" || ( -n "$leader" && "$l" != "$leader" ) ]]; then ok=0; break; fi
      leader=$l
    done
    (( ok )) && return 0
    sleep 0.05
  done
  bw_die "nodes do not agree on a leader after ${timeout}s"
}

# Prints the 0-based index of the leader as node i sees it (default: the first node that answers).
bw_leader_index() {
  local i leader
  for i in "${!BW_IDS[@]}"; do
    leader="$(curl -s --max-time 2 "${BW_URLS[i]}/v1/cluster" | jq -r '.leader // empty' 2>/dev/null || true)"
    if [[ -n "$leader" ]]; then
      printf '%s\n' $(( ${leader#n} - 1 ))
      return 0
    fi
  done
  return 1
}

# GET /v1/cluster of node i (JSON), or {} when it does not answer.
bw_cluster_json() { curl -s --max-time 2 "${BW_URLS[$1]}/v1/cluster" || printf '{}'; }

# GET requests node i has answered on /v1/kv/{key} since it started (any status), from its metrics.
bw_reads_served() {
  curl -s --max-time 5 "${BW_URLS[$1]}/metrics" \
    | awk '/^bellwether_http_requests_seconds_count\{/ && /route="kv_get"/ { n += $NF } END { printf "%d\n", n }'
}

# Stops node i with SIGTERM and waits for it (SIGKILL after TIMEOUT seconds). Sets BW_STOP_SECONDS.
bw_stop_node() {
  local i=$1 timeout=${2:-30} pid=${BW_PIDS[$1]} t0 deadline
  [[ -z "$pid" ]] && return 0
  t0=$EPOCHREALTIME
  deadline=$(( ${EPOCHREALTIME%.*} + timeout ))
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( ${EPOCHREALTIME%.*} < deadline )); do sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    bw_log "node ${BW_IDS[i]} (pid $pid) still running after ${timeout}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  BW_STOP_SECONDS=$(bw_elapsed "$t0")
  BW_PIDS[i]=""
}

bw_stop_all() {
  local i
  for i in "${!BW_PIDS[@]}"; do
    if [[ -n "${BW_PIDS[i]}" ]]; then kill -TERM "${BW_PIDS[i]}" 2>/dev/null || true; fi
  done
  for i in "${!BW_PIDS[@]}"; do bw_stop_node "$i" 30; done
}

bw_cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${BW_EXTRA_PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${BW_EXTRA_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  bw_stop_all
  if [[ -n "$BW_WORK" && -d "$BW_WORK" ]]; then
    if [[ "${KEEP_DATA:-0}" == 1 ]]; then
      bw_log "kept data and node logs in $BW_WORK"
    else
      rm -rf "$BW_WORK"
    fi
  fi
  exit "$rc"
}

bw_tail_log() { if [[ -f "${BW_LOGS[$1]}" ]]; then tail -n 20 "${BW_LOGS[$1]}" >&2; fi; }

# Seconds elapsed since an EPOCHREALTIME value, 3 decimals.
bw_elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# Sets variable $1 to the CPU time (utime + stime, in clock ticks) of process $2 from /proc/PID/stat,
# or to "" when it is gone. No subshell, so a sampler can call it often.
bw_ticks_var() {
  local line rest f
  if ! { read -r line <"/proc/$2/stat"; } 2>/dev/null; then printf -v "$1" '%s' ""; return 0; fi
  rest="${line##*) }"            # the fields after "(comm) ", comm may hold spaces
  read -r -a f <<<"$rest"        # f[0] is field 3 (state): utime is field 14, stime 15
  printf -v "$1" '%s' $(( f[11] + f[12] ))
}

# Prints the CPU time (utime + stime, clock ticks) of process PID; empty when gone.
bw_proc_ticks() { local t; bw_ticks_var t "$1"; printf '%s\n' "$t"; }

# CPU time (cutime + cstime, clock ticks) of the children this shell has waited for: a process run in
# the foreground lands here once it exits, whatever processes it forked.
bw_waited_children_ticks() {
  local line rest f
  read -r line <"/proc/$$/stat"
  rest="${line##*) }"
  read -r -a f <<<"$rest"
  printf '%s\n' $(( f[13] + f[14] ))
}

# Sets variable $1 to the machine's busy CPU ticks from /proc/stat (all CPUs; total - idle - iowait).
bw_busy_var() {
  local user nice sys idle iowait irq softirq steal rest
  read -r _ user nice sys idle iowait irq softirq steal rest </proc/stat
  printf -v "$1" '%s' $(( user + nice + sys + irq + softirq + steal ))
}

# Prints "busy total" machine CPU ticks from /proc/stat.
bw_machine_ticks() {
  local user nice sys idle iowait irq softirq steal rest
  read -r _ user nice sys idle iowait irq softirq steal rest </proc/stat
  printf '%s %s\n' $(( user + nice + sys + irq + softirq + steal )) \
    $(( user + nice + sys + idle + iowait + irq + softirq + steal ))
}

# Samples CPU ticks every 0.2 s while process TOOL runs, appending to OUT one line per sample:
#   s EPOCH tool-ticks node0-ticks node1-ticks ... machine-busy-ticks
# and once "mark EPOCH" when file LOG first contains PATTERN (the load tool saying it starts its load).
# Run it in the background.
bw_cpu_sampler() {
  local out=$1 tool=$2 log=$3 pattern=$4 marked=0 line t i busy
  while :; do
    bw_ticks_var t "$tool"
    [[ -n "$t" ]] || break
    line="s $EPOCHREALTIME $t"
    for i in "${!BW_PIDS[@]}"; do bw_ticks_var t "${BW_PIDS[i]}"; line+=" ${t:-0}"; done
    bw_busy_var busy
    printf '%s %s\n' "$line" "$busy" >>"$out"
    if (( ! marked )) && grep -q -F -- "$pattern" "$log" 2>/dev/null; then
      printf 'mark %s\n' "$EPOCHREALTIME" >>"$out"
      marked=1
    fi
    sleep 0.2
  done
}

# From a sampler file, the ticks used by each sampled column between times A and B (linear
# interpolation between samples): prints "tool node0 node1 ... busy" (fractional ticks).
bw_window_ticks() {
  awk -v a="$2" -v b="$3" '
    $1 != "s" { next }
    { n++; t[n] = $2; for (c = 3; c <= NF; c++) v[n, c] = $c; nf = NF }
    function at(x, c,   i) {
      if (x <= t[1]) return v[1, c]
      for (i = 2; i <= n; i++) if (t[i] >= x) return v[i-1, c] + (v[i, c] - v[i-1, c]) * (x - t[i-1]) / (t[i] - t[i-1])
      return v[n, c]
    }
    END { for (c = 3; c <= nf; c++) printf "%s%.1f", (c > 3 ? " " : ""), at(b, c) - at(a, c); print "" }' "$1"
}

# du of a directory: "apparent-bytes allocated-bytes".
bw_du() {
  local a b
  a="$(du -sb "$1" 2>/dev/null | awk '{print $1}')"
  b="$(du -s -B1 "$1" 2>/dev/null | awk '{print $1}')"
  printf '%s %s\n' "${a:-0}" "${b:-0}"
}

# Writes COUNT puts of VALUE_SIZE bytes to URL over KEYS keys (PREFIX1..PREFIXKEYS), CONNS at once,
# with curl's own parallelism. A stand-in for the load tool (slower); prints "ok errors".
bw_curl_writes() {
  local url=$1 count=$2 keys=$3 conns=$4 prefix=$5 size=${6:-100} value="$BW_WORK/value.bin" done=0 ok=0 n
  head -c "$size" /dev/zero | tr '\0' 'v' >"$value"
  while (( done < count )); do
    n=$(( count - done < keys ? count - done : keys ))
    ok=$(( ok + $(curl -s --no-progress-meter -Z --parallel-max "$conns" -o /dev/null -w '%{http_code}\n' -X PUT \
      --data-binary @"$value" "$url/v1/kv/${prefix}[1-$n]" | grep -c '^200$' || true) ))
    done=$(( done + n ))
  done
  printf '%s %s\n' "$ok" $(( count - ok ))
}

# A few facts about the machine and the build, as markdown lines.
bw_machine_md() {
  printf -- '- Date (UTC): %(%F %T)T\n' -1
  printf -- '- Host: %s CPUs, %s\n' "$(nproc)" "$(uname -sr)"
  printf -- '- Java: %s\n' "$(java -version 2>&1 | head -n 1)"
  printf -- '- Node jar: %s (%s)\n' "$BELLWETHER_JAR" "$(date -u -r "$BELLWETHER_JAR" '+%F %T')"
  printf -- '- Commit: %s%s\n' "$(git -C "$BW_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$( [[ -n "$(git -C "$BW_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && echo ' (working tree modified)')"
}
