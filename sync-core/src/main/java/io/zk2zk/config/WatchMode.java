package io.zk2zk.config;

/** How changes on the source are detected. */
public enum WatchMode {
  /** Persistent recursive watch when the source server supports it (3.6+), per-node otherwise. */
  AUTO,
  /** One persistent recursive watch on the synced root (ZooKeeper 3.6+ only). */
  PERSISTENT,
  /** A data and a child watch on every source node (works with every version). */
  PER_NODE
}
