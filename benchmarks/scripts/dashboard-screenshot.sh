#!/usr/bin/env bash
# dashboard-screenshot.sh: the picture of the dashboard in the README (docs/images/dashboard.png).
# Starts a local cluster of three nodes (`bin/bellwether local-cluster`, in a temporary directory),
# writes to it from a few curl loops, opens the dashboard in headless Chromium while the writes go
# on, hands the leadership over, then kills the leader with kill -9 (so the timeline has two changes
# with their causes, and one member is down), and saves the screenshot (DashboardScreenshot.java,
# beside this script, JDK only). It stops the cluster and
# removes the directory when it ends, fails or is interrupted.
#
# Needs Debian's chromium (apt-get install -y chromium), curl, a JDK and Maven (bin/bellwether
# builds the jar when it is missing or older than the sources). It installs nothing.
#
#   benchmarks/scripts/dashboard-screenshot.sh            # -h or --help: this text
#
# Environment (defaults in brackets):
#   OUT [docs/images/dashboard.png]  where the picture goes
#   WRITERS [3]                      curl loops writing keys, one request at a time each
#   LOAD_SECONDS [5]                 writes before the page opens (the page charts only what it
#                                    sees, so the writes go on while it is open)
#   PAGE_SECONDS [120]               how long the page runs before the picture; the leadership is
#                                    handed over after a third of it, the leader killed after two
#   CHROMIUM [chromium]              the browser
set -euo pipefail

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$root/docs/images/dashboard.png}"
WRITERS="${WRITERS:-3}"
LOAD_SECONDS="${LOAD_SECONDS:-5}"
PAGE_SECONDS="${PAGE_SECONDS:-120}"
CHROMIUM="${CHROMIUM:-chromium}"

for tool in "$CHROMIUM" curl java; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not on the PATH (Debian: apt-get install -y chromium curl)" >&2; exit 2; }
done

work="$(mktemp -d -t bellwether-dashboard.XXXXXX)"
pids=()
cleanup() {
  # Writers first, then the launcher: SIGTERM makes it stop every node gracefully.
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

"$root/bin/bellwether" build
log "starting a local cluster in $work"
# Snapshots every 2,000 entries, so that the picture shows some.
"$root/bin/bellwether" local-cluster --data-dir "$work/data" --set snapshot.entries=2000 >"$work/cluster.out" 2>&1 &
launcher=$!
pids+=("$launcher")
for _ in $(seq 240); do
  grep -q '^Dashboard: ' "$work/cluster.out" && break
  kill -0 "$launcher" 2>/dev/null || { cat "$work/cluster.out" >&2; echo "error: local-cluster exited" >&2; exit 1; }
  sleep 0.5
done
dashboard="$(grep -m1 -o '^Dashboard: [^ ]*' "$work/cluster.out" | cut -d' ' -f2)"
[[ -n "$dashboard" ]] || { cat "$work/cluster.out" >&2; echo "error: no dashboard address after 2 minutes" >&2; exit 1; }
mapfile -t urls < <(grep -o '^  n[0-9]  http://[0-9.:]*' "$work/cluster.out" | awk '{ print $2 }')
log "dashboard at $dashboard; writing from $WRITERS loops"

# Each writer sends its keys to another node (followers forward writes to the leader).
for w in $(seq "$WRITERS"); do
  url="${urls[$(((w - 1) % ${#urls[@]}))]}"
  (
    i=0
    while :; do
      curl -s -o /dev/null -X PUT "$url/v1/kv/demo/w$w/$((i % 500))" --data "value $i from writer $w" || sleep 0.2
      i=$((i + 1))
    done
  ) &
  pids+=("$!")
done

sleep "$LOAD_SECONDS"
# A third of the way through the page's time, a leadership transfer (to the most caught-up other
# voter); two thirds through, kill -9 of the leader, whose election the page then shows.
(
  sleep "$((PAGE_SECONDS / 3))"
  log "handing the leadership over: $(curl -s -X POST "${urls[0]}/v1/leader/transfer")"
  sleep "$((PAGE_SECONDS / 3))"
  for url in "${urls[@]}"; do
    if curl -s "$url/v1/cluster" | grep -q '"node":"n[0-9]*","role":"leader"'; then
      pid="$(curl -s "$url/health/live" | grep -o '"pid":[0-9]*' | cut -d: -f2)"
      log "kill -9 of the leader at $url (pid $pid)"
      kill -9 "$pid"
    fi
  done
) &
pids+=("$!")
log "opening the page; the picture in ${PAGE_SECONDS}s"
# Chromium's own --screenshot shoots at load, or on virtual time that outruns the live streams;
# DashboardScreenshot.java lets the page run in real time, then asks Chromium for the picture.
java "$root/benchmarks/scripts/DashboardScreenshot.java" "$dashboard" "$OUT" "$PAGE_SECONDS" "$CHROMIUM" "$work/chromium"
