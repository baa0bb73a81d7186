package io.zk2zk.source;

import io.zk2zk.decide.SyncScope;
import io.zk2zk.lifecycle.Lifecycle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/**
 * ZooKeeper 3.6+: one persistent recursive watch on the synced root, whatever the tree's size.
 * Every create, data change and delete below it marks that path dirty. When the watch is
 * re-established (new session, reconnect), events may have been missed, so a full reconcile is
 * requested.
 */
public final class PersistentWatchSource implements ChangeSource {

  private final PersistentWatcher watcher;
  private final SyncScope scope;
  private final DirtyPaths dirty;
  private final Runnable onReset;
  private final AtomicBoolean firstReset = new AtomicBoolean(true);
  private final Lifecycle lifecycle = new Lifecycle();

  public PersistentWatchSource(
      CuratorFramework client, SyncScope scope, DirtyPaths dirty, Runnable onReset) {
    this.watcher = new PersistentWatcher(client, scope.root(), true);
    this.scope = scope;
    this.dirty = dirty;
    this.onReset = onReset;
  }

  @Override
  public void start() {
    // before the listeners: a second start must not add them twice
    lifecycle.startOnce();
    watcher.getListenable().addListener(this::onEvent);
    watcher
        .getResetListenable()
        .addListener(
            () -> {
              // the first establishment is covered by the initial reconcile
              if (!firstReset.getAndSet(false)) {
                onReset.run();
              }
            });
    watcher.start();
  }

  private void onEvent(WatchedEvent e) {
    String path = e.getPath();
    if (path == null || !scope.contains(path)) {
      return;
    }
    switch (e.getType()) {
      case NodeCreated, NodeDeleted, NodeDataChanged -> dirty.mark(path);
      default -> {}
    }
  }

  @Override
  public Watcher readWatcher() {
    return null;
  }

  @Override
  public void close() {
    if (lifecycle.close()) {
      watcher.close();
    }
  }
}
