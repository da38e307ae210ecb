#!/usr/bin/env bash
# jfr-share.sh: where one JVM's time went in a window of a JFR recording: the share of its execution
# samples (jdk.ExecutionSample: threads running Java code; time in native code such as socket writes
# and fsync is not sampled) with a TLS or crypto frame on the stack (sun.security.ssl, JDK crypto
# providers, javax.crypto, Netty's SslHandler), the share under Bellwether's access check
# (io.bellwether.node.security), and the methods with the most samples at the top of the stack.
# Needs jfr (the JDK's) and jq.
#
#   benchmarks/scripts/jfr-share.sh FILE.jfr FROM TO      # FROM, TO: ISO UTC times, e.g. 2026-12-07T08:24:51
#   benchmarks/scripts/jfr-share.sh --help
#
# To record the nodes and the load tool of a benchmark script (JDK 17 writes one file per JVM, named
# after its pid, into the directory; a script's log names each member's pid):
#   J="-XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile,dumponexit=true"
#   NODE_JAVA_OPTS="$J" BELLWETHER_BENCH_JAVA_OPTS="$J" benchmarks/scripts/compare-etcd.sh
set -euo pipefail

usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then usage; exit 0; fi
if [[ $# -ne 3 ]]; then usage >&2; exit 2; fi
file=$1 from=$2 to=$3
[[ -f "$file" ]] || { echo "jfr-share.sh: $file not found" >&2; exit 1; }
stacks="$(mktemp)"
trap 'rm -f "$stacks"' EXIT
# One line per sample in the window: its frames, top first, as class/path.method.
jfr print --json --events jdk.ExecutionSample "$file" | jq -r --arg from "$from" --arg to "$to" '
  .recording.events[] | select(.values.startTime >= $from and .values.startTime < $to)
  | [.values.stackTrace.frames[] | .method.type.name + "." + .method.name] | join(" ")' >"$stacks"
awk '
  { n++
    if ($0 ~ /io\/bellwether\/node\/security\//) access++
    else if ($0 ~ /(sun\/security\/(ssl|provider|ec|util)|com\/sun\/crypto|javax\/crypto|io\/netty\/handler\/ssl)\//) tls++
    top[$1]++ }
  END {
    if (n == 0) { print "no execution samples in the window"; exit }
    printf "samples %d; with TLS/crypto frames %.1f %%; under the access check %.1f %%\n", n, 100 * tls / n, 100 * access / n
    for (m in top) printf "%6.1f %%  %s\n", 100 * top[m] / n, m | "sort -rn | head -8"
  }' "$stacks"
