package io.zk2zk.zk;

import io.zk2zk.config.SyncConfig;
import io.zk2zk.config.WatchMode;
import io.zk2zk.decide.SyncScope;
import java.util.List;
import java.util.UUID;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a daemon checks and creates on both ensembles before it syncs: that they are two ensembles,
 * {@code /zk2zk_migration} on T, all_sync's origin-mark epoch and copy receipts' root on T,
 * t_sync's carry-marker root on S, and a watch mode the source supports. A dry run creates nothing.
 */
public final class SidesPrepared {

  private static final Logger log = LoggerFactory.getLogger(SidesPrepared.class);

  private SidesPrepared() {}

  /**
   * Prepares {@code source} and {@code target} (this daemon's) for {@code config}.
   *
   * @throws StartupException naming the side and the cause when syncing cannot start
   */
  public static void prepare(SyncConfig config, ZkSide source, ZkSide target)
      throws StartupException, InterruptedException {
    boolean recordsOnTarget = config.kind().recordsOnTarget();
    ZkSide t = recordsOnTarget ? target : source;
    ZkSide s = recordsOnTarget ? source : target;
    if (config.run().dryRun()) {
      log.info(
          "{}: DRY RUN: every write is decided and written to the monitor log with [dry-run] in"
              + " EXTRA, none is sent to either ensemble; the same-ensemble probe (a node on T) and"
              + " the creation of {} are skipped",
          config.kind().commandName(),
          SyncScope.MIGRATION_ROOT);
    } else {
      refuseSameEnsemble(t, s, source, target);
      ensure(t, List.of(SyncScope.MIGRATION_ROOT));
      if (config.kind().marksCopies()) {
        // before the first marked copy: unmarked nodes created on T after it are clients' own;
        // and where the receipts of copies of sequential nodes go (rule 37)
        ensure(t, List.of(SyncScope.HA_ROOT, SyncScope.ORIGIN_MARKS, SyncScope.RECEIPTS));
      }
      if (!recordsOnTarget) {
        // the markers of t_sync's carries (rule 34); a carry creates it again if need be
        Code onS = s.ensureExists(SyncScope.MIGRATION_ROOT, s.replyTimeout());
        if (onS != Code.OK) {
          log.warn("cannot create {} on S now: {}", SyncScope.MIGRATION_ROOT, onS);
        }
      }
    }
    if (config.watchMode() == WatchMode.PERSISTENT && !source.supportsPersistentWatches()) {
      throw new StartupException(
          "--watchMode persistent: the source "
              + source.connectString()
              + " does not support persistent watches (ZooKeeper 3.6+); use auto or per-node");
    }
  }

  private static void ensure(ZkSide t, List<String> paths)
      throws StartupException, InterruptedException {
    for (String p : paths) {
      Code code = t.ensureExists(p, t.replyTimeout());
      if (code != Code.OK) {
        throw new StartupException(
            "cannot create " + p + " on T (" + t.connectString() + "): " + code);
      }
    }
  }

  /** An ephemeral probe written on T must not be visible on S: else they are one ensemble. */
  private static void refuseSameEnsemble(ZkSide t, ZkSide s, ZkSide source, ZkSide target)
      throws StartupException, InterruptedException {
    t.ensureExists(SyncScope.HA_ROOT, t.replyTimeout());
    String probe = SyncScope.HA_ROOT + "/same-ensemble-probe-" + UUID.randomUUID();
    Reply created = ZkSide.await(t.createEphemeral(probe, new byte[0]), t.replyTimeout());
    if (!created.ok()) {
      log.warn(
          "could not check whether source and target are the same ensemble: {}", created.code());
      return;
    }
    try {
      // a follower may lag: make the other session's view current before looking
      ZkSide.await(s.sync(SyncScope.HA_ROOT), s.replyTimeout());
      Reply seen = ZkSide.await(s.exists(probe), s.replyTimeout());
      if (seen.ok()) {
        throw new StartupException(
            "source "
                + source.connectString()
                + " and target "
                + target.connectString()
                + " are the same ensemble; refusing to sync an ensemble onto itself");
      }
    } finally {
      ZkSide.await(t.delete(probe, -1), t.replyTimeout());
    }
  }
}
