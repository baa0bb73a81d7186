package io.zk2zk.decide;

/** One daemon's rule table from docs/sync-rules.md, as a pure function. */
public interface SyncRules {

  /** Decides what to do for one path from its state on both sides. */
  Decision decide(PathView view);

  /** The decisions for a batch of views, in the same order. */
  default java.util.List<Decision> decideAll(java.util.List<PathView> views) {
    java.util.List<Decision> out = new java.util.ArrayList<>(views.size());
    for (PathView v : views) {
      out.add(decide(v));
    }
    return out;
  }

  /**
   * False when the source state alone decides (t_sync: a persistent node on T is all_sync's), so
   * that the target need not be read.
   */
  boolean needsTarget(NodeState source);

  /** True when the rule for these states depends on whether a record names the path. */
  boolean needsRecord(NodeState source, NodeState target);

  /** True when the rule for these states depends on where T's persistent node came from. */
  default boolean needsProvenance(NodeState source, NodeState target) {
    return false;
  }

  /**
   * True when the rule for these states depends on what T's copy receipt of S's node says (rule
   * 37); the reader then reads it with the {@code czxid} of S's node.
   */
  default boolean needsReceipt(String path, NodeState source, NodeState target) {
    return false;
  }

  /** True when this daemon counts the source node of {@code view} in SrcNodeCount. */
  boolean countsAsSource(PathView view);

  /** True when this daemon counts the target node of {@code view} in DstNodeCount. */
  boolean countsAsTarget(PathView view);
}
