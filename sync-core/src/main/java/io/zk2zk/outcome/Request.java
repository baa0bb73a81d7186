package io.zk2zk.outcome;

/** The kinds of request whose results the {@link OutcomePolicy} judges. */
public enum Request {
  /** A read of a node (data, stat, children). */
  READ,
  /** A copy created on the target. */
  CREATE,
  /** A record created under {@code /zk2zk_migration}. */
  CREATE_RECORD,
  /** A record's data set under {@code /zk2zk_migration}. */
  SET_RECORD,
  SET_DATA,
  SET_ACL,
  /** A node deleted on the target, conditional on the version read. */
  DELETE,
  /** A record deleted under {@code /zk2zk_migration}. */
  DELETE_RECORD
}
