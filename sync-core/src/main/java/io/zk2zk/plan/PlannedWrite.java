package io.zk2zk.plan;

import io.zk2zk.decide.AclEntry;
import java.util.List;

/**
 * One write of a {@link WritePlan}.
 *
 * @param id its position in the plan
 * @param requires the id of an earlier write that must have succeeded first, or -1: a copy needs
 *     its record, a record deleted after its copy needs the copy's delete
 * @param path the node written: for record writes, the path the record names
 * @param data the data to write (creates and setData), else null
 * @param acl the ACL ({@code --copyAcl}), or null for an open one
 * @param version the version a delete is conditional on (-1: any); for a copy with its receipt, the
 *     version of an earlier node's receipt to set (-1: the receipt is created)
 * @param receiptCzxid for a copy created with its receipt (rule 37), the {@code czxid} of the S
 *     node it copies, else 0
 */
public record PlannedWrite(
    int id,
    Purpose purpose,
    int requires,
    String path,
    byte[] data,
    List<AclEntry> acl,
    int version,
    long receiptCzxid) {

  /** A write that is not a copy with a receipt. */
  public PlannedWrite(
      int id,
      Purpose purpose,
      int requires,
      String path,
      byte[] data,
      List<AclEntry> acl,
      int version) {
    this(id, purpose, requires, path, data, acl, version, 0);
  }
}
