package io.zk2zk.decide;

import java.util.List;

/** What a rule asks the apply stage to do for one path. Pure data: no I/O happens here. */
public sealed interface Action {

  String path();

  /** Nothing to do. */
  record None(String path) implements Action {}

  /**
   * Create the path on this daemon's target as a persistent node with {@code data}. With {@code
   * withRecord} (t_sync), the record is written on T first, and missing ancestors on the target are
   * copied from the source. With a {@code receipt} read (all_sync, sequential names), the copy is
   * created together with its receipt on T (rule 37), or with an earlier node's receipt rewritten.
   */
  record Create(
      String path, byte[] data, boolean withRecord, List<AclEntry> acl, CopyReceipt receipt)
      implements Action {
    /** A copy with an open ACL. */
    public Create(String path, byte[] data, boolean withRecord) {
      this(path, data, withRecord, null, CopyReceipt.NOT_READ);
    }

    /** A copy without a receipt. */
    public Create(String path, byte[] data, boolean withRecord, List<AclEntry> acl) {
      this(path, data, withRecord, acl, CopyReceipt.NOT_READ);
    }
  }

  /** Set the target's data to {@code data} (and its ACL to {@code acl} unless null). */
  record SetData(String path, byte[] data, List<AclEntry> acl) implements Action {
    public SetData(String path, byte[] data) {
      this(path, data, null);
    }
  }

  /** Set the target's ACL ({@code --copyAcl}): the data is already equal. */
  record SetAcl(String path, List<AclEntry> acl) implements Action {}

  /**
   * Delete the path on the target if it still has {@code version}; with {@code withRecord} (t_sync,
   * rule 31) the record is deleted after the node, and where all_sync's copy {@code receipt} exists
   * for the path (rule 37), the receipt after the node.
   */
  record Delete(String path, int version, boolean withRecord, CopyReceipt receipt)
      implements Action {
    /**
     * A delete with nothing of the path's to drop after it but, with {@code withRecord}, its
     * record.
     */
    public Delete(String path, int version, boolean withRecord) {
      this(path, version, withRecord, CopyReceipt.NOT_READ);
    }
  }

  /**
   * t_sync: write again the missing record of a copy on S whose ephemeral still lives on T, and
   * with {@code setData} also set the copy's data to {@code data}.
   */
  record RestoreRecord(String path, boolean setData, byte[] data) implements Action {}

  /**
   * t_sync, rule 34: carry a node a client created on T to S: its record first (empty: under way),
   * then the copy on S (missing ancestors copied from T), then the record says {@code carried}.
   */
  record Carry(String path, byte[] data, List<AclEntry> acl) implements Action {}

  /**
   * t_sync, rule 35: a node a client created on T that S has too, with no record saying so: the
   * record is written as {@code carried}, and with {@code setData} S's data is set to T's.
   */
  record Claim(String path, boolean setData, byte[] data) implements Action {}

  /**
   * all_sync, rule 37: drop the copy receipt of a node gone from both sides, if it still has {@code
   * version}.
   */
  record DropReceipt(String path, int version) implements Action {}

  /** Delete a record that names nothing t_sync owns any more. */
  record DropRecord(String path) implements Action {}

  /** Write an {@code Alarm} line and change nothing. */
  record Alarm(String path, String reason) implements Action {}

  /**
   * Keep a node the table's default would delete, and say so: an {@code Alarm} line with {@code
   * reason}, once per path while the daemon runs; {@code verify} reports it as a warning.
   */
  record Keep(String path, String reason) implements Action {}
}
