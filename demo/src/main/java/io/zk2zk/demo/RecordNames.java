package io.zk2zk.demo;

import java.nio.charset.StandardCharsets;

/**
 * Names of t_sync's records under {@code /zk2zk_migration}: the path escaped as Go's {@code
 * url.QueryEscape} does (sync-rules.md). Re-implemented here because the demo, like a user, only
 * has the executables.
 */
final class RecordNames {

  static final String ROOT = "/zk2zk_migration";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RecordNames() {}

  /** The record path on T that marks {@code path} as a t_sync copy on S. */
  static String recordOf(String path) {
    StringBuilder out = new StringBuilder(ROOT).append('/');
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == '~';
      if (unreserved) {
        out.append((char) c);
      } else if (c == ' ') {
        out.append('+');
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
