package io.bellwether.node.http;

/** The HTTP headers of API v1 beyond the standard ones. */
public final class Headers {

  /** The node that served the request. */
  public static final String NODE = "X-Bellwether-Node";
  /** The serving node's applied index when it answered. */
  public static final String APPLIED_INDEX = "X-Bellwether-Applied-Index";
  /** The leader as the serving node knows it, on 503 answers that name one. */
  public static final String LEADER = "X-Bellwether-Leader";
  /** Set on a write a follower forwarded to the leader; a node never forwards a request carrying it. */
  public static final String FORWARDED_BY = "X-Bellwether-Forwarded-By";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final String IF_MATCH = "If-Match";
  public static final String IF_NONE_MATCH = "If-None-Match";
  public static final String ETAG = "ETag";
  public static final String LEASE = "X-Bellwether-Lease";

  private Headers() {}
}
