/**
 * The end-to-end HTTP load tool ({@code bellwether-bench load} and {@code bellwether-bench failover}):
 * many keep-alive connections, each a closed-loop worker with one request outstanding (or paced at a
 * fixed rate, with latency taken from the intended start time), against Bellwether's HTTP API v1 or
 * etcd's v3 JSON gateway, so both systems are measured by the very same client. Entry point:
 * {@link io.bellwether.bench.load.BenchCli}.
 */
package io.bellwether.bench.load;
