package io.bellwether.node.events;

import io.vertx.core.json.JsonObject;

/**
 * One thing that happened on a node, as the event stream and the event log line show it.
 *
 * @param seq this node's number for it: 1 for the first since start, then one more each time
 * @param timeMillis when, in milliseconds since the epoch
 * @param node the node it happened on
 * @param type what happened: {@code role_changed}, {@code election_started}, {@code leader_changed},
 *     {@code stepped_down}, {@code membership_changed}, {@code snapshot_taken}, {@code
 *     snapshot_installed}, {@code snapshot_sent} or {@code sync_stall}
 * @param term the node's term then
 * @param fields what else the type carries (see the node-app README); never modified after creation
 */
public record NodeEvent(long seq, long timeMillis, String node, String type, long term, JsonObject fields) {

  /** The stream's JSON: the fixed fields first, then the type's own. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("seq", seq).put("time", timeMillis).put("node", node)
        .put("type", type).put("term", term);
    fields.forEach(f -> json.put(f.getKey(), f.getValue()));
    return json;
  }

  /** The event log line's text after {@code event }: {@code type=... term=... key=value ...}. */
  public String logLine() {
    StringBuilder b = new StringBuilder("type=").append(type).append(" term=").append(term);
    fields.forEach(f -> b.append(' ').append(f.getKey()).append('=').append(f.getValue()));
    return b.toString();
  }
}
