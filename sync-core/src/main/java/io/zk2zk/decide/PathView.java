package io.zk2zk.decide;

/**
 * Everything a rule needs about one path: its state on this daemon's source and target, whether a
 * {@code /zk2zk_migration} record names it (records always live on the global T), and, where the
 * rule asks for it, where T's persistent node came from.
 */
public record PathView(
    String path, NodeState source, NodeState target, boolean recorded, Provenance provenance) {

  /** A view whose rule does not ask where T's node came from. */
  public PathView(String path, NodeState source, NodeState target, boolean recorded) {
    this(path, source, target, recorded, Provenance.NOT_READ);
  }

  /** The same view, with whether a record names the path. */
  public PathView withRecorded(boolean recorded) {
    return new PathView(path, source, target, recorded, provenance);
  }

  /** The same view, with where T's node came from. */
  public PathView withProvenance(Provenance provenance) {
    return new PathView(path, source, target, recorded, provenance);
  }
}
