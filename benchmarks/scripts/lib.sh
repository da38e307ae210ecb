# shellcheck shell=bash
# lib.sh: the one shell library of the benchmark scripts (compare-etcd.sh, failover.sh, reads.sh, coordination.sh,
# disk-bounded.sh, restart-time.sh, learner-catchup.sh, big-data.sh). Source it; do not run it.
#
# It lays out, starts, polls and stops clusters of separate processes on 127.0.0.1 only, either
# etcd members or Bellwether nodes (`bin/bellwether node`, not `local-cluster`, so that each node's
# PID is known and one node can be killed or restarted alone), with data under a private temporary
# directory. It stops every process it started (and removes that directory) when the sourcing script
# exits, fails or is interrupted. It also makes the results directory and writes its manifest.
#
# Results: RESULTS_DIR (default benchmarks/results/<UTC time>-<name>[-quick]) gets what a reader
# needs, summary.md and manifest.txt; everything else (the load tool's JSON, timelines, CPU samples,
# members' logs) goes to RESULTS_DIR/raw/, which .gitignore keeps out of git. manifest.txt records
# the date, commit, command, machine, versions, and the SHA-256 and size of every raw file, so whoever
# keeps raw/ elsewhere can check it against the committed manifest:
#   cd RESULTS_DIR && grep -E '^[0-9a-f]{64} ' manifest.txt | awk '{ print $1 "  " $3 }' | sha256sum -c
#
# Cluster settings, chosen to match Bellwether's effective defaults (node-app Defaults.TICK_MS = 50 ms,
# core RaftConfig.DEFAULT: electionTimeoutTicks = 8, heartbeatIntervalTicks = 1, preVote = true,
# checkQuorum = true):
#
#   Bellwether                          etcd 3.4
#   tick 50 ms                          (etcd's tick is its heartbeat interval)
#   heartbeat 1 tick = 50 ms            --heartbeat-interval 50
#   election timeout 8 ticks = 400 ms,  --election-timeout 400 (8 ticks; etcd also draws from
#     drawn from [400, 800) ms            [400, 800) ms)
#   pre-vote on                         --pre-vote=true (off by default in 3.4)
#   check-quorum on                     always on in etcd's server
#   storage mapdb: syncs before acking  fsync of the WAL before acking (the default; kept)
#   snapshot every 10,000 entries       --snapshot-count 10000 (default 100,000)
#
# Environment read here (the same names in every script):
#   BELLWETHER_JAR        node-app jar (default node-app/target/bellwether.jar, brought up to date
#                         with `bin/bellwether build`: built when missing or older than its sources)
#   BELLWETHER_BENCH_JAR  load tool jar, passed on to bin/bellwether-bench (which likewise builds
#                         its default jar)
#   NODE_JAVA_OPTS        extra JVM flags for the Bellwether nodes, after bin/bellwether's defaults
#                         (-Xmx256m -XX:+UseSerialGC), e.g. -Xmx1g
#   NODE_SETTINGS         extra node settings, space separated KEY=VALUE (e.g. snapshot.entries=5000)
#   ETCD_BIN              etcd binary (default: etcd on the PATH)
#   INSTALL_ETCD=1        when etcd is missing, install it with `apt-get install -y etcd-server
#                         etcd-client` (with sudo when not root). Without it a missing etcd is an
#                         error that prints that command: no script installs anything unasked.
#   ETCD_QUOTA_BYTES      --quota-backend-bytes (default 4294967296 = 4 GiB)
#   READY_TIMEOUT         seconds to wait for a cluster to be healthy (default 120)
#   RESULTS_DIR           where results go (default above)
#   KEEP_WORK=1           keep the temporary directory (data and members' logs) after the script
#   QUICK=1               the scripts' short mode; adds "-quick" to the results directory, which
#                         benchmarks/.gitignore keeps out of git
#   TLS=1                 clusters with TLS on every connection (a script may change CL_TLS between
#                         clusters): a CA and one certificate per member from `bin/bellwether certs`
#                         (ECDSA P-256; the names, localhost and 127.0.0.1) in WORK_DIR/pki;
#                         etcd: https:// client and peer URLs, --cert-file/--key-file for clients
#                         (server TLS only, no client certificates, as Bellwether's HTTPS by default),
#                         --peer-cert-file/--peer-key-file/--peer-trusted-ca-file/--peer-client-cert-auth
#                         (mutual TLS between members); Bellwether: transport.tls.* (mutual TLS between
#                         nodes) and http.tls.* (HTTPS; http.tls.ca only to check the other nodes'
#                         certificates when a node forwards to them: no client certificates). The
#                         load tool gets --ca, curl --cacert.
#   TOKENS=1              with TLS=1, Bellwether nodes require a bearer token (auth.tokens.file; one
#                         random token with the write role); the load tool sends it (--token-file),
#                         and so does curl. etcd is unaffected (its auth is users and passwords).
#                         (CL_TOKENS, like CL_TLS, may change between clusters.)
#                         compare-etcd.sh has been run with both; failover.sh, reads.sh and
#                         disk-bounded.sh reach the nodes only through this file and the load tool, so
#                         they follow them, untried; learner-catchup.sh, restart-time.sh and big-data.sh refuse them.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_BIN="$BENCH_ROOT/bin/bellwether-bench"
READY_TIMEOUT="${READY_TIMEOUT:-120}"
ETCD_QUOTA_BYTES="${ETCD_QUOTA_BYTES:-4294967296}"
# shellcheck disable=SC2034 # for the scripts: /proc/PID/stat counts CPU time in these ticks
CLK_TCK="$(getconf CLK_TCK)"

# The cluster now running (one at a time). Arrays are indexed 0..CL_N-1.
CL_TARGET=""      # etcd or bellwether
CL_N=0
CL_LABEL=""       # names the members' logs in raw/logs/ (default: the target)
CL_INITIAL=""     # etcd --initial-cluster, or Bellwether --peers
CL_TOKEN=""       # etcd --initial-cluster-token, or Bellwether --cluster-id
MEMBER_NAMES=()   # e1.. (etcd) or n1.. (Bellwether)
MEMBER_URLS=()    # client URL: http://127.0.0.1:PORT
MEMBER_PEERS=()   # peer host:port
MEMBER_DIRS=()    # data directory, kept across restarts of the member
MEMBER_LOGS=()
MEMBER_PIDS=()    # "" when the member is not running
MEMBER_IDS=()     # etcd member id (hex) of each member
MEMBER_STARTED=() # EPOCHREALTIME just before each member's last launch

WORK_DIR=""
RESULTS_DIR="${RESULTS_DIR:-}"
RAW_DIR=""
RUN_STARTED=""
LOAD_AT_START=""
TRACKED_PIDS=()   # load tool runs and other helpers, stopped on exit
USED_PORTS=" "
CLEANED_UP=0
ETCD_BIN="${ETCD_BIN:-}"
CL_TLS="${TLS:-0}"      # the next cluster laid out speaks TLS (1) or not (0)
CL_TOKENS="${TOKENS:-0}" # the next Bellwether cluster requires bearer tokens (1) or not (0)
PKI_DIR=""              # WORK_DIR/pki once a CA exists: ca.pem, NAME.pem/.key, the token files
CURL_SEC=()             # curl's TLS and token arguments for the cluster now running

LOG_FD=2
# log: to the script's own stderr, even inside a function whose stderr is redirected to a file.
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&"$LOG_FD"; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Set-up, results directory, manifest, clean-up

# lib_help "$@": with -h or --help, prints the calling script's header comment and exits.
lib_help() {
  case "${1:-}" in
    -h | --help) ;;
    *) return 0 ;;
  esac
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
  exit 0
}

# lib_init NAME: refuses renamed variables, makes the temporary directory and the results directory
# (RESULTS_DIR, RAW_DIR; "-quick" added with QUICK=1), installs the exit trap.
lib_init() {
  local name="$1" suffix=""
  [[ -z "${BW_JAVA_OPTS:-}" ]] || die "BW_JAVA_OPTS is now NODE_JAVA_OPTS (the same for every script)"
  [[ -z "${KEEP_DATA:-}" ]] || die "KEEP_DATA is now KEEP_WORK (the same for every script)"
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bw-$name.XXXXXX")"
  exec {LOG_FD}>&2
  trap lib_cleanup EXIT
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
  trap 'exit 129' HUP
  [[ "${QUICK:-0}" == 1 ]] && suffix="-quick"
  RESULTS_DIR="${RESULTS_DIR:-$BENCH_ROOT/benchmarks/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$name$suffix}"
  RAW_DIR="$RESULTS_DIR/raw"
  mkdir -p "$RAW_DIR"
  RUN_STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
  log "work dir $WORK_DIR, results in $RESULTS_DIR (raw output in raw/, not committed)"
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
  # A run that failed before writing anything leaves no empty results directory behind.
  if [[ -n "$RESULTS_DIR" && -d "$RESULTS_DIR" && -z "$(find "$RESULTS_DIR" -type f -print -quit)" ]]; then
    rm -rf "$RESULTS_DIR"
  fi
  if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then
      log "kept $WORK_DIR (KEEP_WORK=1)"
    else
      rm -rf "$WORK_DIR"
    fi
  fi
  exit "$rc"
}

# git_commit: the checked-out commit, and whether tracked files differ from it.
git_commit() {
  local c
  c="$(git -C "$BENCH_ROOT" rev-parse HEAD 2>/dev/null)" || { echo unknown; return; }
  if [[ -n "$(git -C "$BENCH_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    c+=" (working tree modified)"
  fi
  echo "$c"
}

# jar_line JAR: path, size, modification time and SHA-256 of a jar.
jar_line() {
  [[ -f "$1" ]] || { echo "$1 (missing)"; return; }
  echo "$1 ($(stat -c %s "$1") B, built $(date -u -r "$1" '+%Y-%m-%d %H:%M:%SZ'), sha256 $(sha256sum "$1" | cut -d' ' -f1))"
}

# machine_md: the date, machine, Java and commit as markdown list items, for a summary.md.
machine_md() {
  printf -- '- Date (UTC): %s\n' "$RUN_STARTED"
  printf -- '- Host: %s CPUs (%s), %s, %s\n' "$(nproc)" "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" "$(uname -sr)"
  printf -- '- Java: %s\n' "$(java -version 2>&1 | head -n 1)"
  printf -- '- Commit: %s\n' "$(git_commit)"
}

# manifest_write COMMAND [LINE...]: RESULTS_DIR/manifest.txt: the run, its date, commit, command,
# machine and versions, any extra "key: value" LINEs, then the SHA-256 and size of every file under
# raw/ (which is not committed), one per line: "SHA256 BYTES raw/PATH".
manifest_write() {
  local command="$1" f
  shift
  {
    echo "run: $(basename "$RESULTS_DIR")"
    echo "date: $RUN_STARTED to $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git_commit)"
    echo "command: $command"
    echo "machine: $(uname -srm), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))," \
      "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "load average (1, 5, 15 min): $LOAD_AT_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
    echo "java: $(java -version 2>&1 | head -n 1)"
    [[ -n "${BELLWETHER_JAR:-}" ]] && echo "node jar: $(jar_line "$BELLWETHER_JAR")"
    [[ -n "${BELLWETHER_BENCH_JAR:-}" ]] && echo "load tool jar: $(jar_line "$BELLWETHER_BENCH_JAR")"
    [[ -n "$ETCD_BIN" ]] && echo "etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"
    [[ -n "${NODE_JAVA_OPTS:-}" ]] && echo "NODE_JAVA_OPTS: $NODE_JAVA_OPTS"
    [[ -n "${NODE_SETTINGS:-}" ]] && echo "NODE_SETTINGS: $NODE_SETTINGS"
    for f in "$@"; do echo "$f"; done
    echo "raw files (in raw/, not in git; SHA-256, bytes, path; to check a kept copy:"
    echo "  grep -E '^[0-9a-f]{64} ' manifest.txt | awk '{ print \$1 \"  \" \$3 }' | sha256sum -c):"
    if [[ -d "$RAW_DIR" ]]; then
      (cd "$RESULTS_DIR" && find raw -type f -print0 | sort -z | while IFS= read -r -d '' f; do
        printf '%s %s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f"
      done)
    fi
  } >"$RESULTS_DIR/manifest.txt"
  log "wrote $RESULTS_DIR/manifest.txt"
}

# ---------------------------------------------------------------------------------------------
# Tools and jars

need() { command -v "$1" >/dev/null 2>&1; }

# require_tools TOOL...: fails, naming the Debian packages to install, when a tool is missing.
require_tools() {
  local t missing=() pkgs=()
  for t in "$@"; do
    need "$t" && continue
    missing+=("$t")
    case "$t" in
      ps) pkgs+=(procps) ;;
      ss) pkgs+=(iproute2) ;;
      java) pkgs+=(openjdk-17-jdk-headless) ;;
      *) pkgs+=("$t") ;;
    esac
  done
  ((${#missing[@]} == 0)) || die "missing on the PATH: ${missing[*]}; install them (Debian: sudo apt-get install -y ${pkgs[*]})"
}

# ensure_etcd: sets ETCD_BIN. Installs etcd with apt only when INSTALL_ETCD=1; otherwise a missing
# etcd is an error that says how to get it.
ensure_etcd() {
  ETCD_BIN="${ETCD_BIN:-$(command -v etcd || true)}"
  if [[ -z "$ETCD_BIN" ]]; then
    # Debian bookworm: 3.4.23. On hosts with systemd the package also starts its own etcd service
    # on 127.0.0.1:2379; it is not ours, so it is left alone (but it shares the machine).
    local cmd=(apt-get install -y etcd-server etcd-client)
    [[ "${INSTALL_ETCD:-0}" == 1 ]] \
      || die "etcd not found. Install it (Debian: sudo ${cmd[*]}), set ETCD_BIN=/path/to/etcd, or run with INSTALL_ETCD=1 to let this script run that apt-get command"
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then
      need sudo || die "INSTALL_ETCD=1 but not root and no sudo: run ${cmd[*]} as root"
      sudo=(sudo)
    fi
    log "INSTALL_ETCD=1: running ${sudo[*]} ${cmd[*]} (log in $WORK_DIR/apt.log)"
    if ! "${sudo[@]}" "${cmd[@]}" >"$WORK_DIR/apt.log" 2>&1; then
      "${sudo[@]}" apt-get update >>"$WORK_DIR/apt.log" 2>&1 || true
      "${sudo[@]}" "${cmd[@]}" >>"$WORK_DIR/apt.log" 2>&1 || die "${cmd[*]} failed; see $WORK_DIR/apt.log"
    fi
    ETCD_BIN="$(command -v etcd)" || die "etcd still missing after ${cmd[*]}"
  fi
  [[ -x "$ETCD_BIN" ]] || die "ETCD_BIN=$ETCD_BIN is not an executable"
  log "etcd: $("$ETCD_BIN" --version 2>/dev/null | head -1)"
}

# ensure_bellwether_jar: sets and exports BELLWETHER_JAR. The default jar is brought up to date once,
# here (`bin/bellwether build`), so that the nodes started next, all at once, never build it.
ensure_bellwether_jar() {
  if [[ -n "${BELLWETHER_JAR:-}" ]]; then
    [[ -f "$BELLWETHER_JAR" ]] || die "BELLWETHER_JAR=$BELLWETHER_JAR does not exist"
  else
    "$BENCH_ROOT/bin/bellwether" build || die "could not build the node jar"
    BELLWETHER_JAR="$BENCH_ROOT/node-app/target/bellwether.jar"
  fi
  export BELLWETHER_JAR
  log "node jar: $BELLWETHER_JAR"
}

# ensure_bench_tool: the load tool's launcher and jar (built or rebuilt here when it is the default).
ensure_bench_tool() {
  [[ -x "$BENCH_BIN" ]] || die "$BENCH_BIN not found (the load tool: bin/bellwether bench)"
  if [[ -n "${BELLWETHER_BENCH_JAR:-}" ]]; then
    [[ -f "$BELLWETHER_BENCH_JAR" ]] || die "BELLWETHER_BENCH_JAR=$BELLWETHER_BENCH_JAR does not exist"
  else
    "$BENCH_BIN" build || die "could not build the load tool jar"
    BELLWETHER_BENCH_JAR="$BENCH_ROOT/benchmarks/target/bellwether-benchmarks.jar"
  fi
  export BELLWETHER_BENCH_JAR
  log "load tool jar: $BELLWETHER_BENCH_JAR"
}

# start_bench ARGS...: starts bin/bellwether-bench in the background; BENCH_PID is its pid (the JVM's:
# the launcher execs java). It is stopped on exit if it still runs. A load or failover run against a
# cluster with TLS gets --ca (and --token-file when the cluster requires tokens) added; so does a watch run.
BENCH_PID=""
start_bench() {
  local sec=()
  if [[ ("${1:-}" == load || "${1:-}" == failover || "${1:-}" == watch) && -n "$CL_TARGET" ]]; then
    [[ "$CL_TLS" == 1 ]] && sec+=(--ca "$PKI_DIR/ca.pem")
    cluster_requires_tokens && sec+=(--token-file "$PKI_DIR/bench.token")
  fi
  "$BENCH_BIN" "$@" "${sec[@]}" &
  BENCH_PID=$!
  TRACKED_PIDS+=("$BENCH_PID")
}

# forget_pid PID: PID has been waited for; the exit trap no longer stops it.
forget_pid() {
  local p kept=()
  for p in "${TRACKED_PIDS[@]}"; do [[ "$p" == "$1" ]] || kept+=("$p"); done
  TRACKED_PIDS=("${kept[@]}")
}

# run_bench ARGS...: runs bin/bellwether-bench in the background (so a signal reaches our trap at
# once) and waits for it; its exit status is returned.
run_bench() {
  start_bench "$@"
  local rc=0
  wait "$BENCH_PID" || rc=$?
  forget_pid "$BENCH_PID"
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# TLS and tokens (TLS=1, TOKENS=1)

# bellwether_command: sets BW_CMD to the command that runs bin/bellwether with the node jar and only
# the launcher's own BELLWETHER_* variables (a node reads every BELLWETHER_* variable as a setting and
# refuses unknown ones): BELLWETHER_JAR (explicit, so the launcher never builds) and
# BELLWETHER_JAVA_OPTS (from NODE_JAVA_OPTS). An array, not a function, so that `"${BW_CMD[@]}" node
# ... &` leaves the JVM's pid in $! (env and the launcher exec).
BW_CMD=()
bellwether_command() {
  local unset_args=() v
  for v in $(compgen -e); do
    [[ "$v" == BELLWETHER_* ]] && unset_args+=(-u "$v")
  done
  BW_CMD=(env "${unset_args[@]}" BELLWETHER_JAR="$BELLWETHER_JAR" BELLWETHER_JAVA_OPTS="${NODE_JAVA_OPTS:-}"
    "$BENCH_ROOT/bin/bellwether")
}

# bellwether_cli ARGS...: runs bin/bellwether ARGS in the foreground (see bellwether_command).
bellwether_cli() {
  bellwether_command
  "${BW_CMD[@]}" "$@"
}

# pki_init: once per script, WORK_DIR/pki with a new CA (`bellwether certs ca`); with tokens, also
# one write-role token (`bellwether token create`): the nodes' tokens file (hashes only), the token
# alone for the load tool, and a header file for curl (-H @FILE, so the token is in no command line).
pki_init() {
  if [[ -z "$PKI_DIR" ]]; then
    [[ -n "${BELLWETHER_JAR:-}" ]] || die "pki_init: call ensure_bellwether_jar first (the certificates come from bin/bellwether certs)"
    PKI_DIR="$WORK_DIR/pki"
    mkdir -p "$PKI_DIR"
    chmod 700 "$PKI_DIR"
    bellwether_cli certs ca --dir "$PKI_DIR" --name bench-ca --days 2 >>"$PKI_DIR/certs.log" 2>&1 \
      || die "bellwether certs ca failed; see $PKI_DIR/certs.log"
    log "TLS: CA in $PKI_DIR"
  fi
  if [[ "$CL_TOKENS" == 1 && ! -s "$PKI_DIR/bench.token" ]]; then
    (umask 077 && bellwether_cli token create --role write --name bench --file "$PKI_DIR/tokens" \
      >"$PKI_DIR/bench.token" 2>>"$PKI_DIR/certs.log") || die "bellwether token create failed; see $PKI_DIR/certs.log"
    [[ -s "$PKI_DIR/bench.token" ]] || die "bellwether token create printed no token"
    (umask 077 && printf 'Authorization: Bearer %s\n' "$(head -n 1 "$PKI_DIR/bench.token")" >"$PKI_DIR/curl-auth.header")
  fi
}

# pki_member NAME: NAME.pem and NAME.key in PKI_DIR (`bellwether certs node NAME`: CN NAME, URI
# urn:bellwether:node:NAME, localhost, 127.0.0.1), unless they exist; etcd members use them too.
pki_member() {
  [[ -f "$PKI_DIR/$1.pem" ]] && return 0
  bellwether_cli certs node "$1" --dir "$PKI_DIR" --days 2 >>"$PKI_DIR/certs.log" 2>&1 \
    || die "bellwether certs node $1 failed; see $PKI_DIR/certs.log"
}

# cluster_requires_tokens: the cluster laid out (or being laid out) is Bellwether with tokens on.
cluster_requires_tokens() { [[ "$CL_TLS" == 1 && "$CL_TOKENS" == 1 && "$CL_TARGET" == bellwether ]]; }

# bw_security_settings NAME: the node settings (KEY=VALUE, one a line) for node NAME's TLS and tokens.
bw_security_settings() {
  [[ "$CL_TLS" == 1 ]] || return 0
  local c="$PKI_DIR/$1.pem" k="$PKI_DIR/$1.key" ca="$PKI_DIR/ca.pem"
  printf '%s\n' "transport.tls.cert=$c" "transport.tls.key=$k" "transport.tls.ca=$ca" \
    "http.tls.cert=$c" "http.tls.key=$k" "http.tls.ca=$ca"
  if cluster_requires_tokens; then printf '%s\n' "auth.tokens.file=$PKI_DIR/tokens"; fi
}

# lib_refuse_tls: for scripts that reach the nodes with their own plain-HTTP requests: TLS=1 and
# TOKENS=1 are errors there rather than silently ignored.
lib_refuse_tls() {
  [[ "$CL_TLS" != 1 && "$CL_TOKENS" != 1 ]] || die "$(basename "$0") does not support TLS=1 or TOKENS=1 (it sends plain HTTP requests of its own)"
}

# cl_curl ARGS...: curl with the running cluster's --cacert (and token header).
cl_curl() { curl "${CURL_SEC[@]}" "$@"; }

# security_label: how the cluster now laid out is secured, for logs and summaries.
security_label() {
  if [[ "$CL_TLS" != 1 ]]; then echo "TLS off"
  elif cluster_requires_tokens; then echo "TLS on, bearer tokens"
  else echo "TLS on"; fi
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

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
    sleep 0.05
  done
  if proc_running "$pid"; then
    log "pid $pid did not stop in $2 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# free_port VAR: sets VAR to a TCP port on which nothing listens or is connected, below the
# ephemeral range (so no outgoing connection takes it before the member binds it), and not handed
# out before by this script. (Not in a $(...) subshell: it records the port it hands out.)
free_port() {
  local lo=20000 hi=32000 eph_lo in_use port hex tries=0
  read -r eph_lo _ </proc/sys/net/ipv4/ip_local_port_range || eph_lo=32768
  ((hi >= eph_lo)) && hi=$((eph_lo - 1))
  in_use=" $(awk 'NR > 1 { split($2, a, ":"); printf "%s ", a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null) "
  while ((tries++ < 1000)); do
    port=$((lo + RANDOM % (hi - lo)))
    printf -v hex '%04X' "$port"
    [[ "$in_use" == *" $hex "* || "$USED_PORTS" == *" $port "* ]] && continue
    USED_PORTS+="$port "
    printf -v "$1" '%s' "$port"
    return 0
  done
  die "no free port found"
}

# ---------------------------------------------------------------------------------------------
# Cluster life cycle (etcd or bellwether)

# cluster_layout TARGET N: names, ports, data directories and logs of N members, none started.
cluster_layout() {
  local target="$1" n="$2" i name peer http parts=() scheme=http
  [[ -z "$CL_TARGET" ]] || die "cluster_layout: a $CL_TARGET cluster is there already"
  [[ "$target" == etcd || "$target" == bellwether ]] || die "unknown target $target"
  CL_TARGET="$target" CL_N="$n" CL_LABEL="${CL_LABEL:-$target}"
  MEMBER_NAMES=() MEMBER_URLS=() MEMBER_PEERS=() MEMBER_DIRS=() MEMBER_LOGS=() MEMBER_PIDS=()
  MEMBER_IDS=() MEMBER_STARTED=()
  CL_TOKEN="bw-$$-$RANDOM"
  local base="$WORK_DIR/$target"
  mkdir -p "$base"
  CURL_SEC=()
  if [[ "$CL_TLS" == 1 ]]; then
    scheme=https
    pki_init
    CURL_SEC=(--cacert "$PKI_DIR/ca.pem")
    cluster_requires_tokens && CURL_SEC+=(-H "@$PKI_DIR/curl-auth.header")
  elif [[ "$CL_TOKENS" == 1 && "$target" == bellwether ]]; then
    die "TOKENS=1 needs TLS=1: a bearer token over plain HTTP is readable by anyone on the path"
  fi
  for ((i = 0; i < n; i++)); do
    if [[ "$target" == etcd ]]; then name="e$((i + 1))"; else name="n$((i + 1))"; fi
    free_port peer
    free_port http
    MEMBER_NAMES+=("$name")
    MEMBER_PEERS+=("127.0.0.1:$peer")
    MEMBER_URLS+=("$scheme://127.0.0.1:$http")
    MEMBER_DIRS+=("$base/$name")
    MEMBER_LOGS+=("$base/$name.log")
    MEMBER_PIDS+=("")
    MEMBER_IDS+=("")
    MEMBER_STARTED+=("")
    [[ "$CL_TLS" == 1 ]] && pki_member "$name"
    if [[ "$target" == etcd ]]; then
      parts+=("$name=$scheme://127.0.0.1:$peer")
    else
      parts+=("$name=127.0.0.1:$peer@127.0.0.1:$http")
    fi
  done
  CL_INITIAL="$(IFS=,; echo "${parts[*]}")"
  mkdir -p "${MEMBER_DIRS[@]}"
  chmod 700 "${MEMBER_DIRS[@]}"
}

# cluster_start TARGET [N]: lays out N (3) fresh members, starts them and waits until the cluster is
# healthy (every member ready, all naming the same leader in the same term).
cluster_start() {
  local target="$1" n="${2:-3}" i
  cluster_layout "$target" "$n"
  log "starting $target: ${MEMBER_URLS[*]}"
  for ((i = 0; i < CL_N; i++)); do cluster_start_member "$i"; done
  cluster_wait_healthy "$READY_TIMEOUT"
  if [[ "$target" == etcd ]]; then
    for ((i = 0; i < CL_N; i++)); do
      MEMBER_IDS[i]="$(etcd_status "$i" | jq -r '.header.member_id')"
    done
  fi
  log "$target ready: leader $(cluster_leader_name), pids ${MEMBER_PIDS[*]}"
}

# cluster_start_member I: starts member I (again) on its data directory; MEMBER_STARTED[I] is the
# time just before the launch.
cluster_start_member() {
  local i="$1"
  [[ -z "${MEMBER_PIDS[i]}" ]] || die "member ${MEMBER_NAMES[i]} is running already (pid ${MEMBER_PIDS[i]})"
  printf '\n=== launch %s at %s\n' "${MEMBER_NAMES[i]}" "$(date -u '+%F %T')" >>"${MEMBER_LOGS[i]}"
  MEMBER_STARTED[i]=$EPOCHREALTIME
  if [[ "$CL_TARGET" == etcd ]]; then
    # With an existing data dir etcd ignores the --initial-* flags and rejoins with its own WAL.
    local tls_args=() peer_scheme=http
    if [[ "$CL_TLS" == 1 ]]; then
      # Clients: server TLS only. No --trusted-ca-file here: etcd would then demand client
      # certificates (it sets RequireAndVerifyClientCert when a client CA is given).
      peer_scheme=https
      tls_args=(--cert-file "$PKI_DIR/${MEMBER_NAMES[i]}.pem" --key-file "$PKI_DIR/${MEMBER_NAMES[i]}.key"
        --peer-cert-file "$PKI_DIR/${MEMBER_NAMES[i]}.pem" --peer-key-file "$PKI_DIR/${MEMBER_NAMES[i]}.key"
        --peer-trusted-ca-file "$PKI_DIR/ca.pem" --peer-client-cert-auth)
    fi
    "$ETCD_BIN" \
      --name "${MEMBER_NAMES[i]}" \
      --data-dir "${MEMBER_DIRS[i]}" \
      --listen-client-urls "${MEMBER_URLS[i]}" \
      --advertise-client-urls "${MEMBER_URLS[i]}" \
      --listen-peer-urls "$peer_scheme://${MEMBER_PEERS[i]}" \
      --initial-advertise-peer-urls "$peer_scheme://${MEMBER_PEERS[i]}" \
      --initial-cluster "$CL_INITIAL" \
      --initial-cluster-state new \
      --initial-cluster-token "$CL_TOKEN" \
      --heartbeat-interval 50 \
      --election-timeout 400 \
      --pre-vote=true \
      --snapshot-count 10000 \
      --quota-backend-bytes "$ETCD_QUOTA_BYTES" \
      --auto-compaction-mode revision \
      --auto-compaction-retention 10000 \
      --logger zap \
      --log-outputs stderr \
      "${tls_args[@]}" \
      >>"${MEMBER_LOGS[i]}" 2>&1 &
    MEMBER_PIDS[i]=$!
  else
    local sets=() s
    bellwether_command
    # shellcheck disable=SC2086 # NODE_SETTINGS is a space-separated list on purpose
    for s in ${NODE_SETTINGS:-}; do sets+=(--set "$s"); done
    while IFS= read -r s; do sets+=(--set "$s"); done < <(bw_security_settings "${MEMBER_NAMES[i]}")
    "${BW_CMD[@]}" node \
      --node-id "${MEMBER_NAMES[i]}" \
      --cluster-id "$CL_TOKEN" \
      --data-dir "${MEMBER_DIRS[i]}" \
      --peers "$CL_INITIAL" \
      --transport vertx \
      --storage mapdb \
      --discovery static \
      "${sets[@]}" \
      >>"${MEMBER_LOGS[i]}" 2>&1 &
    # bin/bellwether execs java, so this is the JVM's pid.
    MEMBER_PIDS[i]=$!
  fi
  log "started ${MEMBER_NAMES[i]} pid ${MEMBER_PIDS[i]} (${MEMBER_URLS[i]}, log ${MEMBER_LOGS[i]})"
}

# member_alive I: the member's process is running (not exited, not a zombie).
member_alive() {
  [[ -n "${MEMBER_PIDS[$1]}" ]] && proc_running "${MEMBER_PIDS[$1]}"
}

# member_tail_log I: the last 20 lines of member I's log, to stderr.
member_tail_log() {
  if [[ -f "${MEMBER_LOGS[$1]}" ]]; then tail -n 20 "${MEMBER_LOGS[$1]}" >&"$LOG_FD"; fi
}

# cluster_reap: forgets (and reaps) members whose process has died; sets REAPED to their indexes.
# (Not in a $(...) subshell: it changes MEMBER_PIDS.)
REAPED=()
cluster_reap() {
  local i
  REAPED=()
  for ((i = 0; i < CL_N; i++)); do
    if [[ -n "${MEMBER_PIDS[i]}" ]] && ! member_alive "$i"; then
      wait "${MEMBER_PIDS[i]}" 2>/dev/null || true
      MEMBER_PIDS[i]=""
      REAPED+=("$i")
    fi
  done
}

# cluster_kill_member I: SIGKILL, then reap.
cluster_kill_member() {
  local i="$1" pid="${MEMBER_PIDS[$1]}"
  [[ -n "$pid" ]] || return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  MEMBER_PIDS[i]=""
  log "killed ${MEMBER_NAMES[i]} (pid $pid)"
}

# cluster_stop_member I [SECONDS]: SIGTERM, waits for the exit (SIGKILL after SECONDS, default 30).
# Sets STOP_SECONDS to the time from the signal to the exit.
# shellcheck disable=SC2034 # read by the scripts
STOP_SECONDS=""
cluster_stop_member() {
  local i="$1" pid="${MEMBER_PIDS[$1]}" t0=$EPOCHREALTIME
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  stop_wait "$pid" "${2:-30}"
  # shellcheck disable=SC2034 # read by the scripts
  STOP_SECONDS="$(elapsed "$t0")"
  MEMBER_PIDS[i]=""
}

# cluster_restart_member I: starts the member again on its data and waits for the cluster.
cluster_restart_member() {
  cluster_start_member "$1"
  cluster_wait_healthy "$READY_TIMEOUT"
}

# cluster_stop: SIGTERM to every member, SIGKILL after 20 s; copies the logs to raw/logs/ (they
# show elections and warnings) and removes the data.
cluster_stop() {
  [[ -n "$CL_TARGET" ]] || return 0
  local i
  for ((i = 0; i < CL_N; i++)); do
    if [[ -n "${MEMBER_PIDS[i]}" ]]; then kill -TERM "${MEMBER_PIDS[i]}" 2>/dev/null || true; fi
  done
  for ((i = 0; i < CL_N; i++)); do
    if [[ -n "${MEMBER_PIDS[i]}" ]]; then stop_wait "${MEMBER_PIDS[i]}" 20; fi
    MEMBER_PIDS[i]=""
  done
  log "stopped $CL_TARGET"
  if [[ -n "$RAW_DIR" && -d "$RAW_DIR" ]]; then
    mkdir -p "$RAW_DIR/logs"
    for ((i = 0; i < CL_N; i++)); do
      if [[ -f "${MEMBER_LOGS[i]}" ]]; then cp "${MEMBER_LOGS[i]}" "$RAW_DIR/logs/$CL_LABEL-${MEMBER_NAMES[i]}.log" || true; fi
    done
  fi
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    mv "$WORK_DIR/$CL_TARGET" "$WORK_DIR/$CL_LABEL-$(date +%H%M%S)-$RANDOM" 2>/dev/null || true
  else
    rm -rf "${WORK_DIR:?}/$CL_TARGET"
  fi
  CL_TARGET="" CL_LABEL="" CL_N=0
  CURL_SEC=()
}

# ---------------------------------------------------------------------------------------------
# Status

# etcd_status I: maintenance/status JSON of member I (gRPC gateway; uint64 fields are strings).
etcd_status() {
  cl_curl -sf --max-time 2 -X POST -d '{}' "${MEMBER_URLS[$1]}/v3/maintenance/status"
}

# bw_status I: GET /v1/cluster of Bellwether node I (JSON), or {} when it does not answer.
bw_status() {
  cl_curl -sf --max-time 2 "${MEMBER_URLS[$1]}/v1/cluster" || printf '{}'
}

# bw_reads_served I: GET requests node I has answered on /v1/kv/{key} since it started (any status).
bw_reads_served() {
  cl_curl -s --max-time 5 "${MEMBER_URLS[$1]}/metrics" \
    | awk '/^bellwether_http_requests_seconds_count\{/ && /route="kv_get"/ { n += $NF } END { printf "%d\n", n }'
}

# http_code URL [SECONDS]: HTTP status of GET URL (000 when nothing answers).
http_code() { cl_curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-2}" "$1" || true; }

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
      [[ "${MEMBER_IDS[j]}" == "$leader" ]] && name="${MEMBER_NAMES[j]}"
    done
    [[ -n "$name" ]] || name="$leader"
    echo "$term $name $([[ "$leader" == "$self" ]] && echo 1 || echo 0)"
  else
    s="$(cl_curl -sf --max-time 2 "${MEMBER_URLS[$i]}/v1/cluster")" || return 1
    jq -er '"\(.term) \(.leader // error("no leader")) \(if .role == "leader" then 1 else 0 end)"' <<<"$s" 2>/dev/null
  fi
}

# member_healthy I: member I answers its health check (etcd /health: has a leader and serves a
# linearizable read; Bellwether /health/ready: knows a leader and has applied what it knows).
member_healthy() {
  local i="$1"
  member_alive "$i" || return 1
  if [[ "$CL_TARGET" == etcd ]]; then
    cl_curl -sf --max-time 2 "${MEMBER_URLS[i]}/health" | jq -e '.health == "true"' >/dev/null 2>&1
  else
    cl_curl -sf --max-time 2 -o /dev/null "${MEMBER_URLS[i]}/health/ready"
  fi
}

# cluster_wait_healthy [SECONDS]: polls (every 50 ms) until every started member is healthy and all
# of them name the same leader in the same term; fails after SECONDS (READY_TIMEOUT) or when a member
# died.
cluster_wait_healthy() {
  local timeout="${1:-$READY_TIMEOUT}" deadline i ok views v
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    ok=1
    views=""
    for ((i = 0; i < CL_N; i++)); do
      [[ -n "${MEMBER_PIDS[i]}" ]] || continue
      if ! member_alive "$i"; then
        member_tail_log "$i"
        die "${MEMBER_NAMES[i]} is not running (pid ${MEMBER_PIDS[i]}); log ${MEMBER_LOGS[i]}"
      fi
      if ! member_healthy "$i"; then ok=0; break; fi
      v="$(member_view "$i")" || { ok=0; break; }
      views+="${v% *}"$'\n'
    done
    if ((ok)) && [[ "$(sort -u <<<"$views" | grep -c .)" == 1 ]]; then
      return 0
    fi
    sleep 0.05
  done
  die "$CL_TARGET not healthy after $timeout s; logs in $WORK_DIR/$CL_TARGET"
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
  i="$(cluster_leader)" && echo "${MEMBER_NAMES[i]}" || echo "(none)"
}

# cluster_views: one line per running member: "name term leader".
cluster_views() {
  local i v
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    v="$(member_view "$i")" || v="? (none) 0"
    echo "${MEMBER_NAMES[i]} ${v% *}"
  done
}

# cluster_metric_sum NAME: the sum over the running members of the Prometheus metric NAME (all its
# label sets), from each member's /metrics; "n/a" when no member has it.
cluster_metric_sum() {
  local i total="" v
  for ((i = 0; i < CL_N; i++)); do
    member_alive "$i" || continue
    v="$(cl_curl -sf --max-time 5 "${MEMBER_URLS[i]}/metrics" \
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
cluster_endpoints() { (IFS=,; echo "${MEMBER_URLS[*]}"); }

# cluster_pids_arg: URL=PID,... of the running members (the failover tool's --pids).
cluster_pids_arg() {
  local i out=()
  for ((i = 0; i < CL_N; i++)); do
    [[ -n "${MEMBER_PIDS[i]}" ]] && out+=("${MEMBER_URLS[i]}=${MEMBER_PIDS[i]}")
  done
  (IFS=,; echo "${out[*]}")
}

# ---------------------------------------------------------------------------------------------
# CPU, disk and time measurements (Linux /proc)

# elapsed T0: seconds since an EPOCHREALTIME value, 3 decimals.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# proc_ticks_var VAR PID: sets VAR to the CPU time (utime + stime, clock ticks) of PID from
# /proc/PID/stat, or to "" when it is gone. No subshell, so a sampler can call it often.
proc_ticks_var() {
  local line rest f
  if ! { read -r line <"/proc/$2/stat"; } 2>/dev/null; then printf -v "$1" '%s' ""; return 0; fi
  rest="${line##*) }"            # the fields after "(comm) ", comm may hold spaces
  read -r -a f <<<"$rest"        # f[0] is field 3 (state): utime is field 14, stime 15
  printf -v "$1" '%s' $((f[11] + f[12]))
}

# proc_ticks PID: prints the CPU time (utime + stime, clock ticks) of PID; empty when gone.
proc_ticks() { local t; proc_ticks_var t "$1"; printf '%s\n' "$t"; }

# waited_children_ticks: CPU time (cutime + cstime, clock ticks) of the children this shell has
# waited for: a process run and waited for lands here once it exits, whatever processes it forked.
waited_children_ticks() {
  local line rest f
  read -r line <"/proc/$$/stat"
  rest="${line##*) }"
  read -r -a f <<<"$rest"
  printf '%s\n' $((f[13] + f[14]))
}

# machine_busy_var VAR: sets VAR to the machine's busy CPU ticks from /proc/stat (all CPUs; total
# minus idle and iowait).
machine_busy_var() {
  local user nice sys irq softirq steal
  read -r _ user nice sys _ _ irq softirq steal _ </proc/stat
  printf -v "$1" '%s' $((user + nice + sys + irq + softirq + steal))
}

# cpu_sampler OUT TOOL_PID LOG PATTERN: every 0.2 s while TOOL_PID runs, appends to OUT
#   s EPOCH tool-ticks member0-ticks member1-ticks ... machine-busy-ticks
# and once "mark EPOCH" when file LOG first contains PATTERN (the load tool saying it starts its
# load). Run it in the background.
cpu_sampler() {
  local outf=$1 tool=$2 logf=$3 pattern=$4 marked=0 line t i busy
  while :; do
    proc_ticks_var t "$tool"
    [[ -n "$t" ]] || break
    line="s $EPOCHREALTIME $t"
    for ((i = 0; i < CL_N; i++)); do proc_ticks_var t "${MEMBER_PIDS[i]}"; line+=" ${t:-0}"; done
    machine_busy_var busy
    printf '%s %s\n' "$line" "$busy" >>"$outf"
    if ((!marked)) && grep -q -F -- "$pattern" "$logf" 2>/dev/null; then
      printf 'mark %s\n' "$EPOCHREALTIME" >>"$outf"
      marked=1
    fi
    sleep 0.2
  done
}

# window_ticks FILE A B: from a cpu_sampler file, the ticks used by each sampled column between
# times A and B (linear interpolation between samples): prints "tool member0 member1 ... busy".
window_ticks() {
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

# du_bytes DIR: "apparent-bytes allocated-bytes" of a directory.
du_bytes() {
  local a b
  a="$(du -sb "$1" 2>/dev/null | awk '{print $1}')"
  b="$(du -s -B1 "$1" 2>/dev/null | awk '{print $1}')"
  printf '%s %s\n' "${a:-0}" "${b:-0}"
}

# curl_writes URL COUNT KEYS CONNS PREFIX [VALUE_SIZE]: COUNT puts of VALUE_SIZE (100) bytes over
# KEYS keys (PREFIX1..PREFIXKEYS), CONNS at once, with curl's own parallelism. A stand-in for the
# load tool (slower); prints "ok errors".
curl_writes() {
  local url=$1 count=$2 keys=$3 conns=$4 prefix=$5 size=${6:-100} value="$WORK_DIR/value.bin" done=0 ok=0 n
  head -c "$size" /dev/zero | tr '\0' 'v' >"$value"
  while ((done < count)); do
    n=$((count - done < keys ? count - done : keys))
    ok=$((ok + $(cl_curl -s --no-progress-meter -Z --parallel-max "$conns" -o /dev/null -w '%{http_code}\n' -X PUT \
      --data-binary @"$value" "$url/v1/kv/${prefix}[1-$n]" | grep -c '^200$' || true)))
    done=$((done + n))
  done
  printf '%s %s\n' "$ok" $((count - ok))
}

# ---------------------------------------------------------------------------------------------
# Numbers and tables

# median VALUES...: the median of the numbers given ("n/a" ignored; the mean of the middle two for
# an even count), or n/a.
median() {
  printf '%s\n' "$@" | grep -v '^n/a$' | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with 2 decimals, or n/a.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

# text_table HEADER ROWS: the tab-separated HEADER and ROWS as aligned columns, for the terminal.
text_table() {
  printf '%s\n%s\n' "$1" "$2" | column -t -s $'\t'
}

# md_table HEADER ROWS: a markdown table from a tab-separated header line and tab-separated rows.
md_table() {
  local line
  printf '| %s |\n' "${1//$'\t'/ | }"
  printf '|%s\n' "$(awk -F'\t' '{ for (i = 1; i <= NF; i++) printf " --- |"; print ""; exit }' <<<"$1")"
  while IFS= read -r line; do
    [[ -n "$line" ]] && printf '| %s |\n' "${line//$'\t'/ | }"
  done <<<"$2"
}
