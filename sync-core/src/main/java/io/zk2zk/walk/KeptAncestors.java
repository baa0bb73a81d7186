package io.zk2zk.walk;

import io.zk2zk.decide.SyncScope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * all_sync never deletes an ancestor of a live ephemeral on T. A walk tells this the extra nodes it
 * meets (absent on S, persistent on T: rules 11–15 delete them) and the ephemerals on T; an
 * ephemeral keeps the chain of extras above it. The walk goes level by level, so every ancestor of
 * an ephemeral was met before it; and since ZooKeeper has no orphans, the extras above an ephemeral
 * form one unbroken chain from its parent up.
 */
public final class KeptAncestors {

  private final Set<String> extras = new HashSet<>();
  private final Set<String> kept = new HashSet<>();

  /** A node rules 11–15 would delete. */
  public void extra(String path) {
    extras.add(path);
  }

  /** An ephemeral on T at {@code path}: returns the extras above it that are kept from now on. */
  public List<String> ephemeral(String path) {
    List<String> newlyKept = new ArrayList<>();
    for (String a = SyncScope.parent(path);
        !"/".equals(a) && extras.contains(a) && kept.add(a);
        a = SyncScope.parent(a)) {
      newlyKept.add(a);
    }
    return newlyKept;
  }

  /** Whether {@code path} stays for a live ephemeral below it. */
  public boolean isKept(String path) {
    return kept.contains(path);
  }
}
