package io.bellwether.core.message;

/**
 * TimeoutNow (Raft thesis §3.10, leadership transfer): the leader tells {@code to}, a voter whose log
 * it has brought up to date, to start an election at once, as if its election timer had run out,
 * without the pre-vote round and past its promise not to vote (its {@link RequestVote}s say so with
 * {@code transfer}). The leader sends it once per transfer and has stopped serving lease reads before.
 */
public record TimeoutNow(String from, String to, long term) implements Message {}
