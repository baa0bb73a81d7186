package io.zk2zk.decide;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Names of {@code /zk2zk_migration} records: the synced path escaped exactly as Go's {@code
 * url.QueryEscape} does, so records written by the original Go tool and by zk2zk are the same.
 * ({@link java.net.URLEncoder} differs on {@code ~} and {@code *}.)
 */
public final class RecordName {

  /**
   * The data of the record of a node a client created on T, once t_sync has carried it to S (rule
   * 34). Records of ephemerals' copies, and of a carry under way, are empty, as the original's.
   */
  private static final byte[] CARRIED_BYTES = "carried".getBytes(StandardCharsets.UTF_8);

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RecordName() {}

  /** The data of a record that says its node was carried to S (a copy: arrays are mutable). */
  public static byte[] carried() {
    return CARRIED_BYTES.clone();
  }

  private static final String CARRYING = "carrying ";

  /**
   * The data of the record of a client's node while t_sync carries it (rule 34): the carry's token,
   * which also names the carry's marker on S.
   */
  public static byte[] carrying(String token) {
    return (CARRYING + token).getBytes(StandardCharsets.UTF_8);
  }

  /** The token of a carry under way, from its record's data; null for any other record. */
  public static String carryToken(byte[] data) {
    if (data == null) {
      return null;
    }
    String s = new String(data, StandardCharsets.UTF_8);
    return s.startsWith(CARRYING) && s.length() > CARRYING.length()
        ? s.substring(CARRYING.length())
        : null;
  }

  /**
   * The name of a carry's marker under {@code /zk2zk_migration} on S: the record's name, {@code @}
   * (which an escaped name never holds) and the carry's token.
   */
  public static String markerName(String path, String token) {
    return escape(path) + "@" + token;
  }

  /** Whether a record's data says its node was carried to S. */
  public static boolean saysCarried(byte[] data) {
    return java.util.Arrays.equals(CARRIED_BYTES, data);
  }

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
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c == '+') {
        out.write(' ');
        i++;
      } else if (c == '%') {
        if (i + 2 >= name.length()) {
          throw new IllegalArgumentException("truncated escape in record name: " + name);
        }
        int hi = hex(name.charAt(i + 1));
        int lo = hex(name.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape in record name: " + name);
        }
        out.write((hi << 4) | lo);
        i += 3;
      } else {
        int cp = name.codePointAt(i);
        byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(raw, 0, raw.length);
        i += Character.charCount(cp);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** ASCII hex digits only, as Go accepts them (Character.digit also takes other scripts). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
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
