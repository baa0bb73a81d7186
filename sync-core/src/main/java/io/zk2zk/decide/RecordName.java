package io.zk2zk.decide;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Names of {@code /zk2zk_migration} records: the synced path escaped exactly as Go's {@code
 * url.QueryEscape} does, so records written by the original Go tool and by zk2zk are the same.
 * ({@link java.net.URLEncoder} differs on {@code ~} and {@code *}.)
 */
public final class RecordName {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RecordName() {}

  /** Escapes a path into a record name. */
  public static String escape(String path) {
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else if (c == ' ') {
        out.append('+');
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * Reverses {@link #escape}, accepting lower-case hex as Go's {@code QueryUnescape} does.
   *
   * @throws IllegalArgumentException for a name that is not a valid escape
   */
  public static String unescape(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '+') {
        out.write(' ');
      } else if (c == '%') {
        if (i + 2 >= name.length()) {
          throw new IllegalArgumentException("truncated escape in record name: " + name);
        }
        int hi = Character.digit(name.charAt(i + 1), 16);
        int lo = Character.digit(name.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape in record name: " + name);
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(raw, 0, raw.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '~';
  }
}
