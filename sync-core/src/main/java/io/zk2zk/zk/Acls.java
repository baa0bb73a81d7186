package io.zk2zk.zk;

import io.zk2zk.decide.AclEntry;
import io.zk2zk.decide.OriginMark;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** Converts between ZooKeeper's ACL type and the rules' {@link AclEntry}. */
public final class Acls {

  private Acls() {}

  /**
   * The entries of {@code acl} without the {@link OriginMark}, which is about where the node came
   * from, not who may use it: ACLs compare and copy without it.
   */
  public static List<AclEntry> toEntries(List<ACL> acl) {
    return OriginMark.without(withMark(acl));
  }

  /** The entries of {@code acl}, the {@link OriginMark} included. */
  public static List<AclEntry> withMark(List<ACL> acl) {
    List<AclEntry> out = new ArrayList<>(acl.size());
    for (ACL a : acl) {
      out.add(new AclEntry(a.getPerms(), a.getId().getScheme(), a.getId().getId()));
    }
    return out;
  }

  /** The ACL of a copy all_sync creates on T: as {@link #toAcl}, plus the {@link OriginMark}. */
  public static List<ACL> marked(List<AclEntry> entries) {
    return toAcl(OriginMark.with(entries));
  }

  /** The ACL to create a copy with: the given entries, or an open ACL when there are none. */
  public static List<ACL> toAcl(List<AclEntry> entries) {
    if (entries == null || entries.isEmpty()) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    }
    // ZooKeeper's validation calls contains(null), which immutable lists refuse
    List<ACL> out = new ArrayList<>(entries.size());
    for (AclEntry e : entries) {
      out.add(new ACL(e.perms(), new Id(e.scheme(), e.id())));
    }
    return out;
  }
}
