package io.zk2zk.outcome;

/** What follows one request's result: the outcome policy's answer. */
public enum Verdict {
  /** Done as asked (for a read: the node is there). */
  DONE,
  /** The state asked for was already there ({@code has created}, {@code has deleted}). */
  ALREADY,
  /** Already there, made by someone else: its data still needs comparing, so decide again. */
  ALREADY_DECIDE_AGAIN,
  /** A read found no node: an answer, not an error. */
  ABSENT,
  /** A create found its parent missing: create the missing ancestors, then the node. */
  CREATE_ANCESTORS,
  /** A record create found {@code /zk2zk_migration} missing: create it, then the records. */
  CREATE_RECORD_ROOT,
  /** A record's data could not be set because the record is missing: create it with that data. */
  CREATE_RECORD_INSTEAD,
  /** A delete found children: delete those the same rules delete, deepest first. */
  DELETE_SUBTREE,
  /** The node changed since it was read: nothing is written, the path is read and decided again. */
  DECIDE_AGAIN,
  /** The side is unavailable: retried with backoff now, then once more later. */
  RETRY_LATER,
  /** Refused for this node: reported, and the next pass tries again. */
  FAILED;

  /** Whether the monitor line says {@code success}. */
  public boolean success() {
    return this == DONE || this == ALREADY || this == ALREADY_DECIDE_AGAIN;
  }
}
