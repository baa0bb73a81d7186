package io.zk2zk.reconcile;

import io.zk2zk.apply.Applier;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.ZkSide;
import org.apache.zookeeper.Watcher;

/**
 * What the sync stages share, wired once by the daemon.
 *
 * @param recordSide the side that holds {@code /zk2zk_migration}: always the global T (all_sync's
 *     target, t_sync's source)
 * @param sourceWatcher set on every source read in per-node watch mode, {@code null} otherwise
 * @param seenChildren per-node watch mode: children last seen on the source, {@code null} otherwise
 */
public record SyncContext(
    SyncConfig config,
    SyncScope scope,
    SyncRules rules,
    ZkSide source,
    ZkSide target,
    ZkSide recordSide,
    Applier targetWriter,
    Applier recordWriter,
    DirtyPaths dirty,
    AuditLog audit,
    Watcher sourceWatcher,
    io.zk2zk.source.SeenChildren seenChildren) {

  public boolean perNodeWatches() {
    return sourceWatcher != null;
  }
}
