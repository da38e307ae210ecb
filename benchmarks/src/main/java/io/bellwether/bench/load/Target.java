package io.bellwether.bench.load;

/** The system under load. */
public enum Target {
  /** Bellwether's HTTP API v1 ({@code /v1/kv/{key}}, {@code /v1/cluster}). */
  BELLWETHER,
  /** etcd's v3 JSON gateway ({@code /v3/kv/put}, {@code /v3/kv/range}, {@code /v3/maintenance/status}). */
  ETCD
}
