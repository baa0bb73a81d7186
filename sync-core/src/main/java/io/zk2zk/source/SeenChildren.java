package io.zk2zk.source;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node watch mode: the children each source node had when it was last read. A watch is armed
 * only by reading a node, so a child that appears must be read even if the other side already has
 * it (t_sync meets every node all_sync copies to T that way). Comparing with what the source itself
 * showed last time, not with the other side, finds exactly the children to read.
 */
public final class SeenChildren {

  private final ConcurrentHashMap<String, Set<String>> byParent = new ConcurrentHashMap<>();

  /**
   * Records a fresh read of {@code parent}'s children and returns the names that appeared or
   * disappeared since the previous read (all of them at the first read).
   */
  public Set<String> update(String parent, List<String> children) {
    Set<String> now = new HashSet<>(children);
    Set<String> before = byParent.put(parent, now);
    if (before == null) {
      return now;
    }
    Set<String> changed = new HashSet<>(now);
    changed.removeAll(before);
    for (String name : before) {
      if (!now.contains(name)) {
        changed.add(name);
      }
    }
    return changed;
  }

  /** Forgets a node that is gone, so that a re-created one counts as new with all its children. */
  public void forget(String path) {
    byParent.remove(path);
  }

  /** Number of parents tracked (for diagnostics). */
  public int size() {
    return byParent.size();
  }
}
