package io.zk2zk.config;

import java.nio.charset.StandardCharsets;

/**
 * One {@code scheme:credentials} pair to authenticate a session with (e.g. {@code
 * digest:user:password}). Its {@link #toString()} never shows the secret.
 */
public record Credential(String scheme, byte[] secret) {

  /** Parses {@code scheme:credentials}. */
  public static Credential parse(String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("expected scheme:credentials (e.g. digest:user:password)");
    }
    return new Credential(
        value.substring(0, colon), value.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
  }

  /** For digest credentials, the user part ({@code user} of {@code user:password}). */
  public String user() {
    String s = new String(secret, StandardCharsets.UTF_8);
    int colon = s.indexOf(':');
    return colon > 0 ? s.substring(0, colon) : "";
  }

  @Override
  public String toString() {
    return scheme + ":" + ("digest".equals(scheme) ? user() + ":***" : "***");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credential c
        && c.scheme.equals(scheme)
        && java.util.Arrays.equals(c.secret, secret);
  }

  @Override
  public int hashCode() {
    return scheme.hashCode() * 31 + java.util.Arrays.hashCode(secret);
  }
}
