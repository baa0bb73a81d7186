package io.zk2zk.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-off between change detection and the workers: a set of paths that may differ between the
 * two sides. Marking a path twice before it is synced costs nothing (marks coalesce), and a path is
 * never synced by two threads at once: a mark that arrives while the path is in flight is kept and
 * the path is synced again after the current sync, so no change read too early is lost.
 */
public final class DirtyPaths {

  /** A claimed path plus whether its children may have changed (per-node watch mode). */
  public record Entry(String path, boolean childrenChanged) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final LinkedHashMap<String, Boolean> pending = new LinkedHashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, Boolean> remarked = new LinkedHashMap<>();

  /** Marks a path as possibly changed. Never blocks for long: called from ZooKeeper threads. */
  public void mark(String path, boolean childrenChanged) {
    lock.lock();
    try {
      if (inFlight.contains(path)) {
        remarked.merge(path, childrenChanged, Boolean::logicalOr);
      } else {
        pending.merge(path, childrenChanged, Boolean::logicalOr);
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  public void mark(String path) {
    mark(path, false);
  }

  /** Takes up to {@code max} pending paths and claims them; waits up to {@code wait} for one. */
  public List<Entry> take(int max, Duration wait) throws InterruptedException {
    lock.lock();
    try {
      long nanos = wait.toNanos();
      while (pending.isEmpty()) {
        if (nanos <= 0) {
          return List.of();
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      List<Entry> batch = new ArrayList<>(Math.min(max, pending.size()));
      Iterator<Map.Entry<String, Boolean>> it = pending.entrySet().iterator();
      while (it.hasNext() && batch.size() < max) {
        Map.Entry<String, Boolean> e = it.next();
        it.remove();
        inFlight.add(e.getKey());
        batch.add(new Entry(e.getKey(), e.getValue()));
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Claims the given paths for a caller outside the workers (a reconcile pass). Returns the ones it
   * could claim; the others are in flight elsewhere and are marked to be synced again after.
   */
  public Set<String> tryClaim(Collection<String> paths) {
    lock.lock();
    try {
      Set<String> claimed = new HashSet<>();
      for (String p : paths) {
        if (inFlight.add(p)) {
          claimed.add(p);
          // a pending mark may be newer than the claimer's read: sync once more after release
          Boolean pendingMark = pending.remove(p);
          if (pendingMark != null) {
            remarked.merge(p, pendingMark, Boolean::logicalOr);
          }
        } else {
          remarked.merge(p, false, Boolean::logicalOr);
        }
      }
      return claimed;
    } finally {
      lock.unlock();
    }
  }

  /** Releases claimed paths; those marked meanwhile become pending again. */
  public void release(Collection<String> paths) {
    lock.lock();
    try {
      for (String p : paths) {
        inFlight.remove(p);
        Boolean again = remarked.remove(p);
        if (again != null) {
          pending.merge(p, again, Boolean::logicalOr);
        }
      }
      if (!pending.isEmpty()) {
        notEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Paths waiting to be synced (excluding those in flight). */
  public int pendingCount() {
    lock.lock();
    try {
      return pending.size() + remarked.size();
    } finally {
      lock.unlock();
    }
  }

  /** True when nothing is pending or in flight. */
  public boolean isIdle() {
    lock.lock();
    try {
      return pending.isEmpty() && inFlight.isEmpty() && remarked.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a path is pending or the time is up; used to pace idle loops. */
  public boolean awaitPending(long timeout, TimeUnit unit) throws InterruptedException {
    lock.lock();
    try {
      long nanos = unit.toNanos(timeout);
      while (pending.isEmpty() && nanos > 0) {
        nanos = notEmpty.awaitNanos(nanos);
      }
      return !pending.isEmpty();
    } finally {
      lock.unlock();
    }
  }
}
