package io.zk2zk.source;

import io.zk2zk.decide.SyncScope;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * ZooKeeper 3.4/3.5 (no persistent watches): a data watch and a child watch on every source node,
 * armed by the reads themselves (every source read passes {@link #readWatcher()}), so that a watch
 * is re-armed by the same read that syncs the change it reported. One watcher object is used for
 * all paths, so the client keeps one registration per path.
 */
public final class PerNodeWatchSource implements ChangeSource {

  private final SyncScope scope;
  private final DirtyPaths dirty;
  private final Watcher watcher = this::onEvent;
  private final SeenChildren seenChildren = new SeenChildren();

  public PerNodeWatchSource(SyncScope scope, DirtyPaths dirty) {
    this.scope = scope;
    this.dirty = dirty;
  }

  private void onEvent(WatchedEvent e) {
    String path = e.getPath();
    if (path == null || !scope.walks(path)) {
      return;
    }
    switch (e.getType()) {
      // a node deleted and re-created (one multi can do both) may have new children that no
      // child watch announced: compare its children too
      case NodeChildrenChanged, NodeCreated, NodeDeleted -> dirty.mark(path, true);
      case NodeDataChanged -> dirty.mark(path);
      default -> {}
    }
  }

  @Override
  public void start() {
    // the watches are armed by the initial reconcile's reads
  }

  @Override
  public Watcher readWatcher() {
    return watcher;
  }

  @Override
  public SeenChildren seenChildren() {
    return seenChildren;
  }

  @Override
  public void close() {
    // watches die with the session, which the daemon closes
  }
}
