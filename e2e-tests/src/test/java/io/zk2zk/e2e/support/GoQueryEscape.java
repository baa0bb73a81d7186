package io.zk2zk.e2e.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code url.QueryEscape}, the record-name format of docs/sync-rules.md, computed
 * independently of the daemons' own code: {@link URLEncoder} does the same except that it keeps
 * {@code *} and escapes {@code ~}, which Go does the other way round.
 */
public final class GoQueryEscape {

  private GoQueryEscape() {}

  /** The escaped form of {@code s}. */
  public static String escape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  /** The record of {@code path}: {@code /zk2zk_migration/<escaped path>} on T. */
  public static String recordPath(String path) {
    return "/zk2zk_migration/" + escape(path);
  }
}
