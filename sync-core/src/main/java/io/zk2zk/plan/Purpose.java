package io.zk2zk.plan;

import io.zk2zk.outcome.Request;

/** Why a planned write is sent: what it is for decides its order, its side and its follow-up. */
public enum Purpose {
  /** t_sync: the record of a copy, written on T before the copy (rules 21–22). */
  RECORD_FIRST(Side.RECORDS, Request.CREATE_RECORD),
  /** t_sync, rule 23: the missing record of a live copy, written again. */
  RESTORE_RECORD(Side.RECORDS, Request.CREATE_RECORD),
  /**
   * t_sync, rule 34: the record of a node a client created on T, created to say that a carry is
   * under way, with the carry's token; set so when it exists already (an earlier carry's).
   */
  RECORD_CARRYING(Side.RECORDS, Request.CREATE_RECORD),
  /**
   * t_sync, rules 34–35: the record of a node a client created on T, set to say that its copy is on
   * S ({@code carried}); created so when it is missing.
   */
  RECORD_CARRIED(Side.RECORDS, Request.SET_RECORD),
  /** A copy created on the target. */
  CREATE(Side.TARGET, Request.CREATE),
  /**
   * all_sync, rule 37: a copy of a node with a sequential name, created on T together with its
   * receipt (created, or an earlier node's set), so that either both are written or neither.
   */
  CREATE_WITH_RECEIPT(Side.TARGET, Request.CREATE),
  /**
   * all_sync, rule 37: a copy receipt on T dropped once its copy is deleted, or its node is gone
   * from both sides. Conditional on the version read.
   */
  DROP_RECEIPT(Side.RECORDS, Request.DELETE_RECORD),
  /** t_sync, rule 34: a client's node created on S together with the carry's marker. */
  CARRY(Side.TARGET, Request.CREATE),
  /** t_sync, rule 34: the carry's marker, deleted on S once the record says carried. */
  DROP_MARKER(Side.TARGET, Request.DELETE_RECORD),
  SET_DATA(Side.TARGET, Request.SET_DATA),
  SET_ACL(Side.TARGET, Request.SET_ACL),
  /** A node deleted on the target (rules 11–15). */
  DELETE(Side.TARGET, Request.DELETE),
  /** t_sync, rule 31: a copy deleted on S; its record is deleted after it. */
  DELETE_WITH_RECORD(Side.TARGET, Request.DELETE),
  /** The record of a copy just deleted. */
  RECORD_AFTER_DELETE(Side.RECORDS, Request.DELETE_RECORD),
  /** A record that names nothing t_sync owns any more. */
  DROP_RECORD(Side.RECORDS, Request.DELETE_RECORD);

  /** The side a write goes to: the daemon's target, or the side that holds the records (T). */
  public enum Side {
    TARGET,
    RECORDS
  }

  private final Side side;
  private final Request request;

  Purpose(Side side, Request request) {
    this.side = side;
    this.request = request;
  }

  public Side side() {
    return side;
  }

  /** The request as the outcome policy knows it. */
  public Request request() {
    return request;
  }
}
