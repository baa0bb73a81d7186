package io.zk2zk.reconcile;

import io.zk2zk.audit.AuditLog;
import io.zk2zk.batch.BatchSync;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.read.Trigger;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.walk.KeptAncestors;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletions a pass's walk found, applied at its end: only if the whole walk succeeded, never
 * under a node that could not be read, never an ancestor of a live ephemeral, and only within the
 * mass-delete guard. Each is decided again from fresh reads under its claim (a definite NoNode on
 * the source), deepest first.
 */
final class PassDeletions {

  private static final Logger log = LoggerFactory.getLogger(PassDeletions.class);

  private final List<String> candidates = new ArrayList<>();
  private final Set<String> unreadable = new HashSet<>();
  private final KeptAncestors kept = new KeptAncestors();

  /** A node the rules delete (absent on the source). */
  void nominate(String path) {
    candidates.add(path);
    kept.extra(path);
  }

  /** A live ephemeral on the target: the nominated nodes above it stay. */
  void ephemeral(String path) {
    kept.ephemeral(path);
  }

  /** A node that could not be read: nothing under it is deleted. */
  void unreadable(String path) {
    unreadable.add(path);
  }

  /**
   * Applies the deletions.
   *
   * @param managed the nodes this daemon manages on its target (the guard's base)
   * @param progress told after each chunk of deletions
   * @return the writes decided
   */
  long apply(
      long managed,
      int maxPercent,
      int minimum,
      int chunkSize,
      BatchSync batch,
      DirtyPaths dirty,
      AuditLog audit,
      SyncScope scope,
      java.util.function.LongConsumer progress)
      throws InterruptedException, SideUnavailableException {
    List<String> deletable = new ArrayList<>();
    for (String p : candidates) {
      if (underUnreadable(p)) {
        continue;
      }
      if (kept.isKept(p)) {
        audit.alarm(p, "kept: absent on source but a live ephemeral below it must stay");
        continue;
      }
      deletable.add(p);
    }
    if (deletable.isEmpty()) {
      return 0;
    }
    if (maxPercent < 100
        && deletable.size() >= minimum
        && deletable.size() * 100L > managed * maxPercent) {
      String why =
          String.format(
              "mass-delete guard: this pass would delete %d of the %d nodes this daemon manages on"
                  + " its target (more than %d%%); nothing deleted. Is --srcAddr the right"
                  + " ensemble? If the deletions are intended, restart with --maxDeletePercent 100.",
              deletable.size(), managed, maxPercent);
      log.error(why);
      audit.alarm(scope.root(), why);
      return deletable.size();
    }
    // deepest first; each is decided again from fresh reads (a definite NoNode on the source)
    deletable.sort((a, b) -> Integer.compare(SyncScope.depth(b), SyncScope.depth(a)));
    long changed = 0;
    for (int from = 0; from < deletable.size(); from += chunkSize) {
      changed +=
          syncClaimed(
              deletable.subList(from, Math.min(deletable.size(), from + chunkSize)), batch, dirty);
      progress.accept(changed);
    }
    return changed;
  }

  /**
   * Claims the paths no worker holds and syncs them from fresh reads; the others are synced by
   * their worker and once more after it.
   *
   * @return the writes decided from the fresh reads, plus the paths a worker held
   */
  static int syncClaimed(List<String> paths, BatchSync batch, DirtyPaths dirty)
      throws InterruptedException, SideUnavailableException {
    if (paths.isEmpty()) {
      return 0;
    }
    Set<String> claimed = dirty.tryClaim(paths);
    try {
      // a path a worker holds still needed a write: it counts, so that a pass whose changes the
      // workers made does not report "0 changes" beside unequal counts
      return batch.sync(new ArrayList<>(claimed), Set.of(), Trigger.PASS)
          + (paths.size() - claimed.size());
    } finally {
      dirty.release(claimed);
    }
  }

  private boolean underUnreadable(String path) {
    for (String p = path; !"/".equals(p); p = SyncScope.parent(p)) {
      if (unreadable.contains(p)) {
        return true;
      }
    }
    return false;
  }
}
