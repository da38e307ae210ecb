# shellcheck shell=bash
# lib.sh: shared functions of compare-etcd.sh and failover.sh. Source it; do not run it.
#
# It starts one 3-member cluster at a time, either etcd or Bellwether, on 127.0.0.1 only, with data
# under a private temporary directory, and stops every process it started (and removes the
# directory) when the sourcing script exits, fails or is interrupted.
#
# Settings, chosen to match Bellwether's effective defaults (node-app Defaults.TICK_MS = 50 ms,
# core RaftConfig.DEFAULT: electionTimeoutTicks = 10, heartbeatIntervalTicks = 2, preVote = true,
# checkQuorum = true):
#
#   Bellwether                          etcd 3.4
#   tick 50 ms                          (etcd's tick is its heartbeat interval)
#   heartbeat 2 ticks = 100 ms          --heartbeat-interval 100
#   election timeout 10 ticks = 500 ms, --election-timeout 500 (5 ticks; etcd also draws from
#     drawn from [500, 1000) ms           [500, 1000) ms)
#   pre-vote on                         --pre-vote=true (off by default in 3.4)
#   check-quorum on                     always on in etcd's server
#   storage mapdb: syncs before acking  fsync of the WAL before acking (the default; kept)
#   snapshot every 10,000 entries       --snapshot-count 10000 (default 100,000)
#
# Environment:
#   BELLWETHER_JAR        node-app jar (default node-app/target/bellwether.jar; built when missing)
#   BELLWETHER_BENCH_JAR  load tool jar, passed on to bin/bellwether-bench
#   BW_JAVA_OPTS          extra JVM flags for the Bellwether nodes (bin/bellwether's defaults are
#                         -Xmx256m -XX:+UseSerialGC)
#   ETCD_BIN              etcd binary (default: etcd on the PATH, installed with apt when missing)
#   ETCD_QUOTA_BYTES      --quota-backend-bytes (default 4294967296 = 4 GiB)
#   READY_TIMEOUT         seconds to wait for a cluster to be healthy (default 120)
#   RESULTS_DIR           where results go (default benchmarks/results/<UTC time>-<script>[-quick])

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
ETCD_QUOTA_BYTES="${ETCD_QUOTA_BYTES:-4294967296}"

# The cluster now running (one at a time). Arrays are indexed 0..CL_N-1.
CL_TARGET=""
CL_N=3
CL_NAMES=()
CL_URLS=()      # client URL: http://127.0.0.1:PORT
CL_PEERS=()     # peer host:port
CL_DIRS=()      # data directory, kept across restarts of the member
CL_LOGS=()
CL_PIDS=()      # "" when the member is not running
CL_IDS=()       # etcd member id (hex) of each member
CL_INITIAL=""   # etcd --initial-cluster, or Bellwether --peers
CL_TOKEN=""

WORK_DIR=""
TRACKED_PIDS=()   # load tool runs, stopped on exit
USED_PORTS=" "
CLEANED_UP=0

LOG_FD=2
# log: to the script's own stderr, even inside a function whose stderr is redirected to a file.
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&"$LOG_FD"; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Set-up and clean-up

# lib_init NAME: temp dir, results dir and the exit trap. QUICK=1 adds "-quick" to the results dir.
lib_init() {
  local name="$1"
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bw-$name.XXXXXX")"
  exec {LOG_FD}>&2
  trap lib_cleanup EXIT
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
  trap 'exit 129' HUP
  local suffix=""
  [[ "${QUICK:-0}" == 1 ]] && suffix="-quick"
  RESULTS_DIR="${RESULTS_DIR:-$BENCH_ROOT/benchmarks/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$name$suffix}"
  mkdir -p "$RESULTS_DIR"
  log "work dir $WORK_DIR, results in $RESULTS_DIR"
}

lib_cleanup() {
  local rc=$?
  [[ "$CLEANED_UP" == 1 ]] && return
  CLEANED_UP=1
  trap '' INT TERM HUP
  # Clean up as far as possible whatever fails on the way, and report to the terminal.
  set +e
  exec 2>&"$LOG_FD"
  local p
  for p in "${TRACKED_PIDS[@]}"; do
    if proc_running "$p"; then
      kill -TERM "$p" 2>/dev/null || true
      stop_wait "$p" 10
    fi
  done
  cluster_stop
  if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then
      log "kept $WORK_DIR (KEEP_WORK=1)"
    else
      rm -rf "$WORK_DIR"
    fi
  fi
  exit "$rc"
}

# proc_running PID: the process exists and has not exited (an exited child stays a zombie until
# reaped, and kill -0 still succeeds on a zombie).
proc_running() {
  local stat
  stat="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$stat" && "$stat" != Z* ]]
}

# stop_wait PID SECONDS: waits for PID to exit, then SIGKILLs it; reaps it when it is our child.
stop_wait() {
  local pid="$1" deadline=$((SECONDS + $2))
  while proc_running "$pid" && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if proc_running "$pid"; then
    log "pid $pid did not stop in $2 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

need() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    need sudo || die "$* missing and not root: install $* (apt-get install -y $*)"
    sudo=(sudo)
  fi
  log "installing $* with apt-get"
  if ! "${sudo[@]}" apt-get install -y "$@" >"$WORK_DIR/apt.log" 2>&1; then
    "${sudo[@]}" apt-get update >>"$WORK_DIR/apt.log" 2>&1 || true
    "${sudo[@]}" apt-get install -y "$@" >>"$WORK_DIR/apt.log" 2>&1 \
      || die "apt-get install $* failed; see $WORK_DIR/apt.log"
  fi
}

ensure_tools() {
  need curl || apt_install curl
  need jq || apt_install jq
  need ps || apt_install procps
  ETCD_BIN="${ETCD_BIN:-$(command -v etcd || true)}"
  if [[ -z "$ETCD_BIN" ]]; then
    # Debian bookworm: 3.4.23. On hosts with systemd the package also starts its own etcd service
    # on 127.0.0.1:2379; it is not ours, so it is left alone (but it shares the machine).
    apt_install etcd-server etcd-client
    ETCD_BIN="$(command -v etcd)" || die "etcd still missing after apt-get install"
  fi
  log "etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"
}

ensure_bellwether_jar() {
  if [[ -n "${BELLWETHER_JAR:-}" ]]; then
    [[ -f "$BELLWETHER_JAR" ]] || die "BELLWETHER_JAR=$BELLWETHER_JAR does not exist"
  else
    BELLWETHER_JAR="$BENCH_ROOT/node-app/target/bellwether.jar"
    if [[ ! -f "$BELLWETHER_JAR" ]]; then
      log "building $BELLWETHER_JAR (mvn -q -DskipTests -pl node-app -am package)"
      (cd "$BENCH_ROOT" && mvn -q -DskipTests -pl node-app -am package) >&2
    fi
  fi
  export BELLWETHER_JAR
  log "bellwether jar: $BELLWETHER_JAR"
}

# The load tool's launcher; it honours BELLWETHER_BENCH_JAR.
BENCH_BIN="$BENCH_ROOT/bin/bellwether-bench"
ensure_bench_tool() {
  [[ -x "$BENCH_BIN" ]] || die "$BENCH_BIN not found (the load tool: bin/bellwether bench)"
  if [[ -n "${BELLWETHER_BENCH_JAR:-}" ]]; then
    [[ -f "$BELLWETHER_BENCH_JAR" ]] || die "BELLWETHER_BENCH_JAR=$BELLWETHER_BENCH_JAR does not exist"
    export BELLWETHER_BENCH_JAR
  fi
}

# run_bench ARGS...: runs bin/bellwether-bench in the background (so a signal reaches our trap at
# once) and waits for it; its exit status is returned.
run_bench() {
  "$BENCH_BIN" "$@" &
  local pid=$!
  TRACKED_PIDS+=("$pid")
  local rc=0
  wait "$pid" || rc=$?
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Ports

# free_port: a TCP port on which nothing listens or is connected, below the ephemeral range (so no
# outgoing connection takes it before the member binds it), and not handed out before by this script.
free_port() {
  local lo=20000 hi=32000 eph_lo
  read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range || eph_lo=32768
  ((hi >= eph_lo)) && hi=$((eph_lo - 1))
  local in_use port hex tries=0
  in_use=" $(awk 'NR > 1 { split($2, a, ":"); printf "%s ", a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null) "
  while ((tries++ < 1000)); do
    port=$((lo + RANDOM % (hi - lo)))
    printf -v hex '%04X' "$port"
    [[ "$in_use" == *" $hex "* || "$USED_PORTS" == *" $port "* ]] && continue
    USED_PORTS+="$port "
    echo "$port"
    return 0
  done
  die "no free port found"
}

# ---------------------------------------------------------------------------------------------
# Cluster life cycle (etcd or bellwether)

# cluster_start TARGET: starts 3 fresh members and waits until the cluster is healthy.
cluster_start() {
  local target="$1" i
  [[ -z "$CL_TARGET" ]] || die "cluster_start: a $CL_TARGET cluster is running already"
  [[ "$target" == etcd || "$target" == bellwether ]] || die "unknown target $target"
  CL_TARGET="$target"
  CL_NAMES=() CL_URLS=() CL_PEERS=() CL_DIRS=() CL_LOGS=() CL_PIDS=() CL_IDS=()
  CL_TOKEN="cmp-$$-$RANDOM"
  local base="$WORK_DIR/$target" parts=()
  mkdir -p "$base"
  for ((i = 0; i < CL_N; i++)); do
    local name peer http
    if [[ "$target" == etcd ]]; then name="e$((i + 1))"; else name="n$((i + 1))"; fi
    peer="127.0.0.1:$(free_port)"
    http="127.0.0.1:$(free_port)"
    CL_NAMES+=("$name")
    CL_PEERS+=("$peer")
    CL_URLS+=("http://$http")
    CL_DIRS+=("$base/$name")
    CL_LOGS+=("$base/$name.log")
    CL_PIDS+=("")
    CL_IDS+=("")
    if [[ "$target" == etcd ]]; then parts+=("$name=http://$peer"); else parts+=("$name=$peer@$http"); fi
  done
  CL_INITIAL="$(IFS=,; echo "${parts[*]}")"
  mkdir -p "${CL_DIRS[@]}"
  chmod 700 "${CL_DIRS[@]}"
  log "starting $target: ${CL_URLS[*]}"
  for ((i = 0; i < CL_N; i++)); do cluster_start_member "$i"; done
  cluster_wait_healthy "$READY_TIMEOUT"
  if [[ "$target" == etcd ]]; then
    for ((i = 0; i < CL_N; i++)); do
      CL_IDS[i]="$(etcd_status "$i" | jq -r '.header.member_id')"
    done
  fi
  log "$target ready: leader $(cluster_leader_name), pids ${CL_PIDS[*]}"
}

# cluster_start_member I: starts member I (again) on its data directory.
cluster_start_member() {
  local i="$1"
  [[ -z "${CL_PIDS[i]}" ]] || die "member ${CL_NAMES[i]} is running already (pid ${CL_PIDS[i]})"
  if [[ "$CL_TARGET" == etcd ]]; then
    # With an existing data dir etcd ignores the --initial-* flags and rejoins with its own WAL.
    "$ETCD_BIN" \
      --name "${CL_NAMES[i]}" \
      --data-dir "${CL_DIRS[i]}" \
      --listen-client-urls "${CL_URLS[i]}" \
      --advertise-client-urls "${CL_URLS[i]}" \
      --listen-peer-urls "http://${CL_PEERS[i]}" \
      --initial-advertise-peer-urls "http://${CL_PEERS[i]}" \
      --initial-cluster "$CL_INITIAL" \
      --initial-cluster-state new \
      --initial-cluster-token "$CL_TOKEN" \
      --heartbeat-interval 100 \
      --election-timeout 500 \
      --pre-vote=true \
      --snapshot-count 10000 \
      --quota-backend-bytes "$ETCD_QUOTA_BYTES" \
      --auto-compaction-mode revision \
      --auto-compaction-retention 10000 \
      --logger zap \
      --log-outputs stderr \
      >>"${CL_LOGS[i]}" 2>&1 &
    CL_PIDS[i]=$!
  else
    # The node reads every BELLWETHER_* variable as a setting and refuses unknown ones, so pass it
    # only the launcher's own (BELLWETHER_JAR, BELLWETHER_JAVA_OPTS).
    local unset_args=() v
    for v in $(compgen -e); do
      [[ "$v" == BELLWETHER_* && "$v" != BELLWETHER_JAR ]] && unset_args+=(-u "$v")
    done
    env "${unset_args[@]}" BELLWETHER_JAR="$BELLWETHER_JAR" ${BW_JAVA_OPTS:+BELLWETHER_JAVA_OPTS="$BW_JAVA_OPTS"} \
      "$BENCH_ROOT/bin/bellwether" node \
      --node-id "${CL_NAMES[i]}" \
      --cluster-id "$CL_TOKEN" \
      --data-dir "${CL_DIRS[i]}" \
      --peers "$CL_INITIAL" \
      --transport vertx \
      --storage mapdb \
      --discovery static \
      >>"${CL_LOGS[i]}" 2>&1 &
    # bin/bellwether execs java, so this is the JVM's pid.
    CL_PIDS[i]=$!
  fi
  log "started ${CL_NAMES[i]} pid ${CL_PIDS[i]} (${CL_URLS[i]}, log ${CL_LOGS[i]})"
}

# member_alive I: the member's process is running (not exited, not a zombie).
member_alive() {
  [[ -n "${CL_PIDS[$1]}" ]] && proc_running "${CL_PIDS[$1]}"
}

# cluster_reap: forgets (and reaps) members whose process has died; sets REAPED to their indexes.
# (Not in a $(...) subshell: it changes CL_PIDS.)
REAPED=()
cluster_reap() {
  local i
  REAPED=()
  for ((i = 0; i < CL_N; i++)); do
    if [[ -n "${CL_PIDS[i]}" ]] && ! member_alive "$i"; then
      wait "${CL_PIDS[i]}" 2>/dev/null || true
      CL_PIDS[i]=""
      REAPED+=("$i")
    fi
  done
}

# cluster_kill_member I: SIGKILL, then reap.
cluster_kill_member() {
  local i="$1" pid="${CL_PIDS[$1]}"
  [[ -n "$pid" ]] || return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  CL_PIDS[i]=""
  log "killed ${CL_NAMES[i]} (pid $pid)"
}

# cluster_restart_member I: starts the member again on its data and waits for the cluster.
cluster_restart_member() {
  cluster_start_member "$1"
  cluster_wait_healthy "$READY_TIMEOUT"
}

# cluster_stop: SIGTERM to every member, SIGKILL after 20 s; removes the data.
cluster_stop() {
  [[ -n "$CL_TARGET" ]] || return 0
  local i
  for ((i = 0; i < CL_N; i++)); do
    if [[ -n "${CL_PIDS[i]}" ]]; then kill -TERM "${CL_PIDS[i]}" 2>/dev/null || true; fi
  done
  for ((i = 0; i < CL_N; i++)); do
    if [[ -n "${CL_PIDS[i]}" ]]; then stop_wait "${CL_PIDS[i]}" 20; fi
    CL_PIDS[i]=""
  done
  log "stopped $CL_TARGET"
  # Keep the logs next to the results: they show elections and warnings.
  if [[ -n "${RESULTS_DIR:-}" && -d "$RESULTS_DIR" ]]; then
    mkdir -p "$RESULTS_DIR/logs"
    for ((i = 0; i < CL_N; i++)); do
      if [[ -f "${CL_LOGS[i]}" ]]; then cp "${CL_LOGS[i]}" "$RESULTS_DIR/logs/$CL_TARGET-${CL_NAMES[i]}.log" || true; fi
    done
  fi
  rm -rf "${WORK_DIR:?}/$CL_TARGET"
  CL_TARGET=""
}

# ---------------------------------------------------------------------------------------------
# Status

# etcd_status I: maintenance/status JSON of member I (gRPC gateway; uint64 fields are strings).
etcd_status() {
  curl -sf --max-time 2 -X POST -d '{}' "${CL_URLS[$1]}/v3/maintenance/status"
}

# bw_status I: GET /v1/cluster of node I.
bw_status() {
  curl -sf --max-time 2 "${CL_URLS[$1]}/v1/cluster"
}

# member_view I: "term leader-name self-is-leader(0|1)" as member I sees it; fails when it cannot
# be asked or knows no leader.
member_view() {
  local i="$1" s
  if [[ "$CL_TARGET" == etcd ]]; then
    s="$(etcd_status "$i")" || return 1
    local leader self term name="" j
    leader="$(jq -r '.leader // empty' <<<"$s")"
    self="$(jq -r '.header.member_id // empty' <<<"$s")"
    term="$(jq -r '.raftTerm // .header.raft_term // empty' <<<"$s")"
    [[ -n "$leader" && "$leader" != 0 ]] || return 1
    for ((j = 0; j < CL_N; j++)); do
      [[ "${CL_IDS[j]}" == "$leader" ]] && name="${CL_NAMES[j]}"
    done
    [[ -n "$name" ]] || name="$leader"
    echo "$term $name $([[ "$leader" == "$self" ]] && echo 1 || echo 0)"
  else
    s="$(bw_status "$i")" || return 1
    jq -er '"\(.term) \(.leader // error("no leader")) \(if .role == "leader" then 1 else 0 end)"' <<<"$s" 2>/dev/null
  fi
}

# member_healthy I: member I answers its health check (etcd /health: has a leader and serves a
# linearizable read; Bellwether /health/ready: knows a leader and has applied what it knows).
member_healthy() {
  local i="$1"
  member_alive "$i" || return 1
  if [[ "$CL_TARGET" == etcd ]]; then
    curl -sf --max-time 2 "${CL_URLS[i]}/health" | jq -e '.health == "true"' >/dev/null 2>&1
  else
    curl -sf --max-time 2 -o /dev/null "${CL_URLS[i]}/health/ready"
  fi
}

# cluster_wait_healthy SECONDS: polls until every started member is healthy and all of them name the
# same leader in the same term.
cluster_wait_healthy() {
  local deadline=$((SECONDS + $1)) i ok views
  while ((SECONDS < deadline)); do
    ok=1
    views=""
    for ((i = 0; i < CL_N; i++)); do
      if ! member_alive "$i"; then
        die "${CL_NAMES[i]} is not running (pid ${CL_PIDS[i]:-none}); log ${CL_LOGS[i]}: $(tail -5 "${CL_LOGS[i]}" 2>/dev/null)"
      fi
      if ! member_healthy "$i"; then ok=0; break; fi
      local v
      v="$(member_view "$i")" || { ok=0; break; }
      views+="${v% *}"$'\n'
    done
    if ((ok)) && [[ "$(sort -u <<<"$views" | grep -c .)" == 1 ]]; then
      return 0
    fi
    sleep 0.1
  done
  die "$CL_TARGET not healthy after $1 s; logs in $WORK_DIR/$CL_TARGET"
}

# cluster_leader: index of the member that says it is the leader (the highest term wins); fails if none.
cluster_leader() {
  local i v best=-1 best_term=-1 term
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    v="$(member_view "$i")" || continue
    term="${v%% *}"
    if [[ "${v##* }" == 1 ]] && ((term > best_term)); then best="$i" best_term="$term"; fi
  done
  ((best >= 0)) || return 1
  echo "$best"
}

cluster_leader_name() {
  local i
  i="$(cluster_leader)" && echo "${CL_NAMES[i]}" || echo "(none)"
}

# cluster_views: one line per running member: "name term leader".
cluster_views() {
  local i v
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    v="$(member_view "$i")" || v="? (none) 0"
    echo "${CL_NAMES[i]} ${v% *}"
  done
}

# cluster_metric_sum NAME: the sum over the running members of the Prometheus metric NAME (all its
# label sets), from each member's /metrics; "n/a" when no member has it.
cluster_metric_sum() {
  local i total="" v
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    v="$(curl -sf --max-time 5 "${CL_URLS[i]}/metrics" \
      | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $NF; n++ } END { if (n) print s }')" || v=""
    [[ -n "$v" ]] && total="$(awk -v a="${total:-0}" -v b="$v" 'BEGIN { print a + b }')"
  done
  echo "${total:-n/a}"
}

# cluster_change_counters: "name=sum ..." of the counters that count elections and leader changes.
cluster_change_counters() {
  local names m out=()
  if [[ "$CL_TARGET" == etcd ]]; then
    names=(etcd_server_leader_changes_seen_total)
  else
    names=(bellwether_raft_elections_total bellwether_raft_leader_changes_total)
  fi
  for m in "${names[@]}"; do out+=("$m=$(cluster_metric_sum "$m")"); done
  echo "${out[*]}"
}

# cluster_max_term: the highest term any running member reports (elections raise it; with pre-vote a
# failed pre-vote campaign does not), or "?" when no member answers.
cluster_max_term() {
  cluster_views | awk '$2 ~ /^[0-9]+$/ && $2 > m { m = $2; found = 1 } END { print found ? m : "?" }'
}

# cluster_endpoints: the client URLs, comma separated.
cluster_endpoints() { (IFS=,; echo "${CL_URLS[*]}"); }

# cluster_pids_arg: URL=PID,... of the running members (the failover tool's --pids).
cluster_pids_arg() {
  local i out=()
  for ((i = 0; i < CL_N; i++)); do
    [[ -n "${CL_PIDS[i]}" ]] && out+=("${CL_URLS[i]}=${CL_PIDS[i]}")
  done
  (IFS=,; echo "${out[*]}")
}

# ---------------------------------------------------------------------------------------------
# Numbers

# median of the arguments (the mean of the middle two for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with 2 decimals, or n/a.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}
