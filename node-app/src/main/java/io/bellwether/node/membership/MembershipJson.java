package io.bellwether.node.membership;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster configuration as the HTTP API shows it: {@code {"configIndex": N, "members": [{"id",
 * "voter", "peerAddress", "httpAddress"}, ...]}}. The membership routes answer with it, and {@code GET
 * /v1/cluster} uses the same field names (with more fields per member), so a joining node reads either.
 */
public final class MembershipJson {

  private MembershipJson() {}

  /** {@code membership} as JSON, members sorted by id. */
  public static JsonObject toJson(Membership membership) {
    JsonArray members = new JsonArray();
    for (Member m : membership.members()) members.add(member(m));
    return new JsonObject().put("configIndex", membership.index()).put("members", members);
  }

  /** One member: {@code {"id", "voter", "peerAddress", "httpAddress"}} (addresses may be null). */
  public static JsonObject member(Member m) {
    return new JsonObject().put("id", m.id()).put("voter", m.voter())
        .put("peerAddress", m.peer()).put("httpAddress", m.http());
  }

  /**
   * Reads a configuration from an answer of {@link #toJson} or {@code GET /v1/cluster}.
   *
   * @throws IllegalArgumentException (or ClassCastException, NullPointerException) when the body is
   *     not such an answer
   */
  public static Membership fromJson(JsonObject body) {
    Long index = body.getLong("configIndex");
    JsonArray members = body.getJsonArray("members");
    if (index == null || members == null) {
      throw new IllegalArgumentException("not a configuration: no configIndex or members in " + body.encode());
    }
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      JsonObject m = members.getJsonObject(i);
      Boolean voter = m.getBoolean("voter");
      if (voter == null) throw new IllegalArgumentException("member without \"voter\": " + m.encode());
      out.add(new Member(m.getString("id"), voter, m.getString("peerAddress"), m.getString("httpAddress")));
    }
    return new Membership(index, out);
  }
}
