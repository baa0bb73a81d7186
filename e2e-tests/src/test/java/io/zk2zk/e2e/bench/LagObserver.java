package io.zk2zk.e2e.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Sees every change below a root on T through one persistent recursive watch, and remembers when
 * each (event type, path) was first seen ({@link System#nanoTime()}).
 */
final class LagObserver implements Watcher, AutoCloseable {

  private final ZooKeeper zk;
  private final String root;
  private final Map<String, Long> seen = new ConcurrentHashMap<>();
  private volatile long lastEvent = System.nanoTime();

  private LagObserver(ZooKeeper zk, String root) {
    this.zk = zk;
    this.root = root;
  }

  static LagObserver start(ZooKeeper zk, String root) throws Exception {
    LagObserver o = new LagObserver(zk, root);
    zk.addWatch(root, o, AddWatchMode.PERSISTENT_RECURSIVE);
    return o;
  }

  /** The key of one change: {@code NodeCreated /a/b}. */
  static String key(Event.EventType type, String path) {
    return type + " " + path;
  }

  @Override
  public void process(WatchedEvent event) {
    if (event.getPath() != null) {
      long now = System.nanoTime();
      seen.putIfAbsent(key(event.getType(), event.getPath()), now);
      lastEvent = now;
    }
  }

  /** When the change was first seen, or null. */
  Long seenAt(String key) {
    return seen.get(key);
  }

  /** Nanoseconds since the last event. */
  long quietNanos() {
    return System.nanoTime() - lastEvent;
  }

  @Override
  public void close() throws Exception {
    zk.removeWatches(root, this, WatcherType.Any, true);
  }
}
