package io.zk2zk.decide;

import java.nio.charset.StandardCharsets;

/**
 * The conflict policy: the side where a node was created owns its data. S owns every node that
 * existed there or was copied from there; T owns the nodes its clients created (rules 34–36). A
 * change a client makes on the other side is a conflict: the owner's data is written over it, and
 * the change is reported with both versions.
 */
public final class Conflict {

  /** How much of each version a report shows. */
  private static final int SHOWN = 64;

  private Conflict() {}

  /**
   * The report of a client's change on {@code changedOn} ("S" or "T") to a node {@code owner} owns.
   */
  public static String report(String changedOn, String owner, byte[] ownerData, byte[] changed) {
    return "conflict: changed on "
        + changedOn
        + " by a client, but the node is "
        + owner
        + "'s; "
        + owner
        + "'s data wins ("
        + owner
        + ": "
        + describe(ownerData)
        + ", "
        + changedOn
        + ": "
        + describe(changed)
        + ")";
  }

  /**
   * The report of a client's deletion on {@code changedOn} of a node {@code owner} owns: it is
   * created there again.
   */
  public static String deleted(String changedOn, String owner) {
    return "conflict: deleted on "
        + changedOn
        + " by a client, but the node is "
        + owner
        + "'s; "
        + owner
        + "'s node is copied again";
  }

  /**
   * The report of a copy from S that a client on T took (rule 37) while S's node has children: S's
   * node wins.
   */
  public static String deletedWithChildrenOnSource() {
    return "conflict: deleted on T by a client, but S's node has children there; S's node is"
        + " copied again";
  }

  /** A short, printable description of a node's data. */
  static String describe(byte[] data) {
    if (data == null) {
      return "null";
    }
    String text = new String(data, 0, Math.min(data.length, SHOWN), StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(text.length() + 16).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f || c == '"' || c == '\ufffd' ? '.' : c);
    }
    out.append(data.length > SHOWN ? "...\"" : "\"");
    return out.append(" (").append(data.length).append(" bytes)").toString();
  }
}
