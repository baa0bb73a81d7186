package io.zk2zk.read;

/** What made a batch be synced; a few steps differ between the two. */
public enum Trigger {
  /**
   * A worker took paths a watch marked: the record listing kept for the workers answers record
   * checks, and all_sync checks the sequence counter of a new sequential copy's parent at once.
   */
  CHANGE,
  /** A full pass: it lists the records itself and aligns every parent it walks. */
  PASS
}
