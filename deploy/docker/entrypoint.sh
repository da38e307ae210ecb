#!/bin/sh
# Runs one Bellwether node in a container: java ... -jar bellwether.jar node "$@".
#
# Settings come from BELLWETHER_* environment variables (the setting's name in capitals, '_' for
# '.': BELLWETHER_NODE_ID is node.id), from a properties file ($BELLWETHER_CONFIG), or from the
# container's arguments, which go after `node` (--node-id n1, --set KEY=VALUE). node-app/README.md
# lists them. An unknown BELLWETHER_* variable stops the node with exit code 2, so nothing but
# settings (and the few reserved names, such as BELLWETHER_JAVA_OPTS) may carry that prefix.
#
# A node announces the addresses it listens on to the other nodes, so they must be a name the
# others can reach, never 0.0.0.0 or 127.0.0.1. Unless given, they default to this container's
# fully qualified host name (hostname -f). Docker and a Kubernetes StatefulSet pod both write that
# name into /etc/hosts (in a pod: <pod>.<headless service>.<namespace>.svc.<cluster domain>), so it
# resolves at once, before any DNS record exists, and names the same node after a restart.
set -eu

host="$(hostname -f)"
: "${BELLWETHER_PEER_LISTEN:=$host:7000}"
: "${BELLWETHER_HTTP_LISTEN:=$host:8080}"
export BELLWETHER_PEER_LISTEN BELLWETHER_HTTP_LISTEN
if [ "${BELLWETHER_DISCOVERY:-}" = hazelcast ]; then
  # The Hazelcast member binds to one interface address; the host name resolves to this container's.
  : "${BELLWETHER_DISCOVERY_HAZELCAST_BIND:=$host:5701}"
  export BELLWETHER_DISCOVERY_HAZELCAST_BIND
fi

# exec: java becomes PID 1 and gets the SIGTERM of a stop, so a leader hands its leadership over
# before it exits. The heap and other sizes come from BELLWETHER_JAVA_OPTS (set in the Dockerfile,
# overridden by the orchestrator next to its memory limit). The rest is what bin/bellwether passes:
# the flags Hazelcast needs on Java 17+. Also: Vert.x's file cache under /tmp (the only place a
# read-only root file system leaves writable), and an exit on OutOfMemoryError, after which the
# JVM's state cannot be trusted: like a storage failure (exit 3), the restart starts from disk.
# shellcheck disable=SC2086 # BELLWETHER_JAVA_OPTS is a list of flags: split it.
exec java \
  -XX:+ExitOnOutOfMemoryError \
  --add-modules java.se \
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  -Dhazelcast.logging.type=slf4j \
  -Dhazelcast.phone.home.enabled=false \
  -Dvertx.cacheDirBase=/tmp/vertx-cache \
  ${BELLWETHER_JAVA_OPTS:-} \
  -jar /opt/bellwether/bellwether.jar node "$@"
