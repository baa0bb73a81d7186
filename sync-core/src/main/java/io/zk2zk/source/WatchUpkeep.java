package io.zk2zk.source;

import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.ZkSide;
import java.util.List;
import org.apache.zookeeper.Watcher;

/**
 * What reading the source owes change detection. With one persistent recursive watch (3.6+):
 * nothing. With per-node watches (3.4/3.5): every source read sets the watcher, a missing synced
 * root gets an exists watch, and children that appeared or vanished since a parent's last read are
 * marked, so that they are read, and so watched, too.
 */
public final class WatchUpkeep {

  /** Nothing to keep: a persistent recursive watch sees every change below the root. */
  public static final WatchUpkeep NONE = new WatchUpkeep(null, null, null, null, null);

  private final Watcher watcher;
  private final SeenChildren seen;
  private final DirtyPaths dirty;
  private final SyncScope scope;
  private final WatchHeap heap;

  private WatchUpkeep(
      Watcher watcher, SeenChildren seen, DirtyPaths dirty, SyncScope scope, WatchHeap heap) {
    this.watcher = watcher;
    this.seen = seen;
    this.dirty = dirty;
    this.scope = scope;
    this.heap = heap;
  }

  /**
   * The upkeep of {@code source}: none, or per-node watches, whose heap {@code heap} counts.
   *
   * @throws WatchHeapExceeded when not even the fewest watches the source's tree needs fit
   */
  public static WatchUpkeep of(
      ChangeSource source, DirtyPaths dirty, SyncScope scope, WatchHeap heap) {
    if (source.readWatcher() == null) {
      return NONE;
    }
    heap.checkBeforeStart();
    return new WatchUpkeep(source.readWatcher(), source.seenChildren(), dirty, scope, heap);
  }

  /** Whether every source read must set a watch. */
  public boolean perNode() {
    return watcher != null;
  }

  /** The watcher each source read sets, or null. */
  public Watcher watcher() {
    return watcher;
  }

  /**
   * After a batch's source reads: a read of a missing node leaves no watch, so a missing synced
   * root gets an exists watch that tells when it appears.
   */
  public void afterRead(ZkSide source, List<NodeReader.Result> src) throws InterruptedException {
    if (watcher == null) {
      return;
    }
    for (NodeReader.Result s : src) {
      if (s.path().equals(scope.root()) && s.state() != null && !s.state().exists()) {
        ZkSide.await(source.existsWatch(s.path(), watcher), source.replyTimeout());
      }
    }
  }

  /**
   * After a worker's source reads: every child that appeared or disappeared since its parent was
   * last read is marked, so that it is read, and so watched, even if the other side already has it.
   * A node found absent is forgotten, so that a re-created one is new again.
   */
  public void markNewChildren(List<NodeReader.Result> src) {
    if (watcher == null) {
      return;
    }
    for (NodeReader.Result s : src) {
      if (s.state() == null) {
        continue;
      }
      if (!s.state().exists()) {
        seen.forget(s.path());
        continue;
      }
      if (s.state().children() == null) {
        continue;
      }
      for (String name : seen.update(s.path(), s.state().children())) {
        String child = SyncScope.child(s.path(), name);
        if (scope.walks(child)) {
          dirty.mark(child, true);
        }
      }
    }
  }

  /** A walk starts: the heap its watches take is counted from nothing. */
  public void walkStarted() {
    if (heap != null) {
      heap.reset();
    }
  }

  /**
   * A walk read {@code path}, which exists: it visits the children itself, so only remember them;
   * and count the node's watches.
   *
   * @throws WatchHeapExceeded when the watches of the tree do not fit the heap
   */
  public void walked(String path, NodeState node) {
    if (seen == null) {
      return;
    }
    heap.add(path, node.isEphemeral());
    if (node.children() != null) {
      seen.update(path, node.children());
    }
  }

  /** The heap the per-node watches of the current or last walk take, estimated; 0 without. */
  public long watchHeapBytes() {
    return heap == null ? 0 : heap.bytes();
  }
}
