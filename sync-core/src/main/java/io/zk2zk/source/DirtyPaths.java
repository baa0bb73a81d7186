package io.zk2zk.source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
  private final LinkedHashMap<String, Mark> pending = new LinkedHashMap<>();
  // in-flight path -> System.nanoTime() of its oldest mark, or NOT_MARKED when claimed by a pass
  private final Map<String, Long> inFlight = new HashMap<>();
  private final Map<String, Mark> remarked = new LinkedHashMap<>();

  /** Stands for "claimed by a reconcile pass, not marked by a change" in {@link #inFlight}. */
  private static final long NOT_MARKED = Long.MIN_VALUE;

  /**
   * Why a path is dirty: whether its children may have changed, and since when (the oldest of the
   * coalesced marks, for the replication-lag metric).
   */
  private record Mark(boolean childrenChanged, long since) {
    Mark merge(Mark other) {
      boolean children = childrenChanged || other.childrenChanged;
      long oldest = Math.min(since, other.since);
      return children == childrenChanged && oldest == since ? this : new Mark(children, oldest);
    }
  }

  /** Marks a path as possibly changed. Never blocks for long: called from ZooKeeper threads. */
  public void mark(String path, boolean childrenChanged) {
    Mark m = new Mark(childrenChanged, System.nanoTime());
    lock.lock();
    try {
      if (inFlight.containsKey(path)) {
        remarked.merge(path, m, Mark::merge);
      } else {
        pending.merge(path, m, Mark::merge);
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
      Iterator<Map.Entry<String, Mark>> it = pending.entrySet().iterator();
      while (it.hasNext() && batch.size() < max) {
        Map.Entry<String, Mark> e = it.next();
        it.remove();
        inFlight.put(e.getKey(), e.getValue().since());
        batch.add(new Entry(e.getKey(), e.getValue().childrenChanged()));
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
      // a pass claims thousands at a time, mostly with nothing pending: no rehashing, no lookups
      Set<String> claimed = new HashSet<>((int) (paths.size() / 0.75f) + 1);
      for (String p : paths) {
        if (inFlight.putIfAbsent(p, NOT_MARKED) == null) {
          claimed.add(p);
          // a pending mark may be newer than the claimer's read: sync once more after release
          Mark pendingMark = pending.isEmpty() ? null : pending.remove(p);
          if (pendingMark != null) {
            remarked.merge(p, pendingMark, Mark::merge);
          }
        } else {
          remarked.merge(p, new Mark(false, System.nanoTime()), Mark::merge);
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
        Mark again = remarked.isEmpty() ? null : remarked.remove(p);
        if (again != null) {
          pending.merge(p, again, Mark::merge);
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

  /**
   * When the change being synced under {@code path} was first marked ({@link System#nanoTime()}),
   * or empty when the path is not in a worker's hands (a reconcile pass claimed it, or nobody).
   */
  public OptionalLong markedAt(String path) {
    lock.lock();
    try {
      Long since = inFlight.get(path);
      return since == null || since == NOT_MARKED ? OptionalLong.empty() : OptionalLong.of(since);
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
