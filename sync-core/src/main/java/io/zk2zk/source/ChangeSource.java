package io.zk2zk.source;

/** Detects changes on the source and marks the paths dirty; owns its watches. */
public interface ChangeSource extends AutoCloseable {

  /** Starts watching. */
  void start();

  /** A watcher to set on every source read (per-node watch mode), or {@code null}. */
  org.apache.zookeeper.Watcher readWatcher();

  /** Per-node watch mode: the children last seen on the source, or {@code null}. */
  default SeenChildren seenChildren() {
    return null;
  }

  @Override
  void close();
}
