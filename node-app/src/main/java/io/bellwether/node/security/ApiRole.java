package io.bellwether.node.security;

import java.util.Locale;

/**
 * What a bearer token may do through the HTTP API. Each role includes the ones before it: {@code
 * write} may do all that {@code read} may, {@code admin} all that {@code write} may.
 */
public enum ApiRole {
  /** Reads: GET of keys, scans, the cluster's state. */
  READ,
  /** Plus writes: PUT and DELETE of keys. */
  WRITE,
  /** Plus the cluster's shape: membership changes, leadership transfers (and metrics when so set). */
  ADMIN;

  /** Whether a caller with this role may do what {@code needed} allows. */
  public boolean includes(ApiRole needed) {
    return compareTo(needed) >= 0;
  }

  /** The name as written in token files and settings: {@code read}, {@code write}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role {@code text} names ({@code read}, {@code write}, {@code admin}, any case).
   *
   * @throws IllegalArgumentException for anything else, listing the roles
   */
  public static ApiRole parse(String text) {
    for (ApiRole r : values()) {
      if (r.label().equalsIgnoreCase(text == null ? "" : text.trim())) return r;
    }
    throw new IllegalArgumentException("unknown role '" + text + "' (expected read, write or admin)");
  }
}
