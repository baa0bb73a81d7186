package io.zk2zk.decide;

/** What a path is on one side: absent, persistent or ephemeral. */
public enum NodeKind {
  ABSENT,
  PERSISTENT,
  EPHEMERAL;

  /** Classifies a node by its {@code Stat.ephemeralOwner}: containers and TTL nodes report 0. */
  public static NodeKind ofEphemeralOwner(long ephemeralOwner) {
    return ephemeralOwner != 0 ? EPHEMERAL : PERSISTENT;
  }
}
