package io.zk2zk.decide;

/** One daemon's rule table from sync-rules.md, as a pure function. */
public interface SyncRules {

  /** Decides what to do for one path from its state on both sides. */
  Decision decide(PathView view);

  /** True when this daemon counts the source node of {@code view} in SrcNodeCount. */
  boolean countsAsSource(PathView view);

  /** True when this daemon counts the target node of {@code view} in DstNodeCount. */
  boolean countsAsTarget(PathView view);
}
