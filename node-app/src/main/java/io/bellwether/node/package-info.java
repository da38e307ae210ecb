/**
 * The runnable Bellwether node: {@link io.bellwether.node.BellwetherNode} assembles a Raft node from
 * providers chosen by name ({@link io.bellwether.node.Modules}), serves the HTTP API and metrics, and
 * {@link io.bellwether.node.cli.Main} is the command line ({@code node}, {@code local-cluster} and the
 * client commands).
 */
package io.bellwether.node;
