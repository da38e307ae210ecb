package io.bellwether.node.security;

/**
 * Who made a request, as its bearer token says: the token's name (for logs; never the token) and
 * role.
 */
public record Caller(String name, ApiRole role) {}
