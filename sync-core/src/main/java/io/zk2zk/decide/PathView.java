package io.zk2zk.decide;

/**
 * Everything a rule needs about one path: its state on this daemon's source and target, whether a
 * {@code /zk2zk_migration} record names it (records always live on the global T), where the rule
 * asks for it, where T's persistent node came from, and whether the source node is known to have
 * stayed unchanged since a complete pass aligned the target (then a difference was made on the
 * target side: a conflict), and, where the rule asks, what T's copy receipt says of S's node (rule
 * 37).
 */
public record PathView(
    String path,
    NodeState source,
    NodeState target,
    boolean recorded,
    Provenance provenance,
    boolean sourceSettled,
    CopyReceipt receipt) {

  /** A view whose rule does not ask for a copy receipt. */
  public PathView(
      String path,
      NodeState source,
      NodeState target,
      boolean recorded,
      Provenance provenance,
      boolean sourceSettled) {
    this(path, source, target, recorded, provenance, sourceSettled, CopyReceipt.NOT_READ);
  }

  /** A view whose rule does not ask where T's node came from. */
  public PathView(String path, NodeState source, NodeState target, boolean recorded) {
    this(path, source, target, recorded, Provenance.NOT_READ, false, CopyReceipt.NOT_READ);
  }

  /** A view with where T's node came from, and nothing known of the source's history. */
  public PathView(
      String path, NodeState source, NodeState target, boolean recorded, Provenance provenance) {
    this(path, source, target, recorded, provenance, false, CopyReceipt.NOT_READ);
  }

  /** The same view, with whether a record names the path. */
  public PathView withRecorded(boolean recorded) {
    return new PathView(path, source, target, recorded, provenance, sourceSettled, receipt);
  }

  /** The same view, with where T's node came from. */
  public PathView withProvenance(Provenance provenance) {
    return new PathView(path, source, target, recorded, provenance, sourceSettled, receipt);
  }

  /** The same view, with the target side as read now. */
  public PathView withTarget(NodeState target) {
    return new PathView(path, source, target, recorded, provenance, sourceSettled, receipt);
  }

  /** The same view, with what T's copy receipt says. */
  public PathView withReceipt(CopyReceipt receipt) {
    return new PathView(path, source, target, recorded, provenance, sourceSettled, receipt);
  }
}
