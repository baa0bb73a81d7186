package io.zk2zk.decide;

import java.util.ArrayList;
import java.util.List;

/**
 * The mark all_sync puts on every node it creates on T: one more ACL entry, {@code
 * digest:zk2zk:copied-from-source} with no rights, so that it grants nothing to anyone. It is how a
 * node on T tells, durably and without any other state, that it is a copy from S and not a node a
 * client created on T (rule 33). Nodes created on T before all_sync started marking (the creation
 * of {@link SyncScope#ORIGIN_MARKS}) carry none and count as copies, as before.
 */
public final class OriginMark {

  /** The mark: an ACL entry without rights, which every server version since 3.4 accepts. */
  public static final AclEntry ENTRY = new AclEntry(0, "digest", "zk2zk:copied-from-source");

  /** ZooKeeper's open ACL, which copies get when their ACL is not copied. */
  private static final AclEntry OPEN = new AclEntry(AclEntry.ALL, "world", "anyone");

  private OriginMark() {}

  /** The ACL of a marked copy: {@code acl} (open when null or empty) plus the mark. */
  public static List<AclEntry> with(List<AclEntry> acl) {
    List<AclEntry> out = new ArrayList<>();
    if (acl == null || acl.isEmpty()) {
      out.add(OPEN);
    } else {
      for (AclEntry e : acl) {
        if (!ENTRY.equals(e)) {
          out.add(e);
        }
      }
    }
    out.add(ENTRY);
    return out;
  }

  /** {@code acl} without the mark: what the node's ACL is for everything but its origin. */
  public static List<AclEntry> without(List<AclEntry> acl) {
    if (acl == null || !acl.contains(ENTRY)) {
      return acl;
    }
    List<AclEntry> out = new ArrayList<>(acl);
    out.removeIf(ENTRY::equals);
    return out;
  }

  /** Whether {@code acl} carries the mark. */
  public static boolean carries(List<AclEntry> acl) {
    return acl != null && acl.contains(ENTRY);
  }
}
