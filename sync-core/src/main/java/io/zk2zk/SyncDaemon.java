package io.zk2zk;

import io.zk2zk.apply.WriteGate;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.batch.SyncStages;
import io.zk2zk.batch.SyncWorkers;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.ha.LeaderElection;
import io.zk2zk.lifecycle.Lifecycle;
import io.zk2zk.metrics.HealthCheck;
import io.zk2zk.metrics.MetricsServer;
import io.zk2zk.metrics.SyncMetrics;
import io.zk2zk.reconcile.FullReconcile;
import io.zk2zk.reconcile.PassResult;
import io.zk2zk.reconcile.ReconcileLoop;
import io.zk2zk.source.ChangeSource;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.source.PerNodeWatchSource;
import io.zk2zk.source.PersistentWatchSource;
import io.zk2zk.source.WatchHeap;
import io.zk2zk.source.WatchUpkeep;
import io.zk2zk.walk.TreeWalk;
import io.zk2zk.zk.ConnectString;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SidesPrepared;
import io.zk2zk.zk.StartupException;
import io.zk2zk.zk.ZkSide;
import java.util.List;
import java.util.function.Consumer;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running daemon, all_sync or t_sync. {@link #start()} reads like the pipeline: connect both
 * sides, detect changes on the source into the dirty set, let workers sync dirty paths, and run
 * full reconcile passes at start, after every reconnect and every interval.
 *
 * <p>With {@code --ha} the pipeline (watches, workers, reconcile) runs only while this instance is
 * the elected leader ({@link LeaderElection}); a standby holds its sessions and nothing else. With
 * {@code --dryRun} every write is decided and audited but none is sent.
 */
public final class SyncDaemon implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SyncDaemon.class);

  private final SyncConfig config;
  private final Consumer<PassResult> passListener;
  private final Consumer<Throwable> onFatal;
  private final Lifecycle lifecycle = new Lifecycle();
  private ZkSide source;
  private ZkSide target;
  private ZkSide recordSide;
  private volatile LeaderElection election;
  private ChangeSource changes;
  private SyncWorkers workers;
  private final SyncMetrics metrics;
  private MetricsServer metricsServer;
  private volatile ReconcileLoop reconcileLoop;
  private boolean listening;

  /**
   * @param passListener told after every full reconcile pass
   * @param onFatal told when a worker or the reconcile thread dies of an {@link Error}; the owner
   *     should stop the daemon
   */
  public SyncDaemon(
      SyncConfig config, Consumer<PassResult> passListener, Consumer<Throwable> onFatal) {
    this.config = config;
    this.passListener = passListener;
    this.onFatal = onFatal;
    this.metrics = new SyncMetrics(config.kind());
  }

  public SyncDaemon(SyncConfig config) {
    this(config, r -> {}, e -> {});
  }

  /** Connects and starts syncing; returns once the initial reconcile has been scheduled. */
  public void start() throws StartupException, InterruptedException {
    lifecycle.startOnce();
    boolean recordsOnTarget = config.kind().recordsOnTarget();
    int reads = Math.max(config.tuning().walkReadsInFlight(), config.tuning().watchReadsInFlight());
    source =
        new ZkSide(
            "source",
            ConnectString.parse(java.util.List.of(config.sourceConnect())),
            config.sourceSession(),
            reads,
            config.sourceSecurity());
    target =
        new ZkSide(
            "target",
            ConnectString.parse(java.util.List.of(config.targetConnect())),
            config.targetSession(),
            reads,
            config.targetSecurity());
    if (source.connectString().sharesServerWith(target.connectString())) {
      throw new StartupException(
          "source "
              + source.connectString()
              + " and target "
              + target.connectString()
              + " name the same server; refusing to sync an ensemble onto itself");
    }
    startMetrics();
    source.start(config.startTimeout());
    target.start(config.startTimeout());
    recordSide = recordsOnTarget ? target : source;
    SidesPrepared.prepare(config, source, target);
    if (config.run().highAvailability()) {
      startElection();
      return;
    }
    startSyncing();
  }

  /** Joins the election on T; the pipeline starts when this instance is elected. */
  private void startElection() throws StartupException, InterruptedException {
    metrics.leader(false);
    election =
        new LeaderElection(
            new ZkSide(
                "election",
                recordSide.connectString(),
                config.run().haSession(),
                16,
                config.kind().recordsOnTarget()
                    ? config.targetSecurity()
                    : config.sourceSecurity()),
            LeaderElection.electionPath(config.kind(), config.path()),
            LeaderElection.localId(),
            new LeaderElection.Leadership() {
              @Override
              public void startSyncing() throws InterruptedException {
                try {
                  SyncDaemon.this.startSyncing();
                } catch (RuntimeException | Error e) {
                  // a leader that cannot sync must not keep the lead: stop, let another lead
                  log.error("cannot start syncing as the elected leader; stopping", e);
                  onFatal.accept(e);
                }
              }

              @Override
              public void stopSyncing() {
                SyncDaemon.this.stopSyncing();
              }
            });
    election.start(config.startTimeout());
  }

  /** True while this instance may sync: always without {@code --ha}, else while elected. */
  public boolean leads() {
    return mayWrite();
  }

  /** False once a standby's gate closes: checked before every write. */
  private boolean mayWrite() {
    LeaderElection e = election;
    return e == null || e.isLeader();
  }

  /**
   * The sync pipeline: watches on the source, workers, reconcile passes (the first one at once).
   * Runs from start, or for each term as the elected leader.
   */
  private synchronized void startSyncing() throws InterruptedException {
    if (!lifecycle.isStarted() || reconcileLoop != null) {
      return;
    }
    SyncScope scope = new SyncScope(config.path());
    warnIfRootMissing(scope);
    DirtyPaths dirty = new DirtyPaths();
    metrics.track(dirty);
    AuditLog audit = new AuditLog(metrics);

    boolean persistent =
        switch (config.watchMode()) {
          case AUTO -> source.supportsPersistentWatches();
          case PERSISTENT -> true;
          case PER_NODE -> false;
        };
    changes =
        persistent
            ? new PersistentWatchSource(
                source.curator(),
                scope,
                dirty,
                () -> requestReconcile("source watch re-established"))
            : new PerNodeWatchSource(scope, dirty);
    // the server's node count speaks for the tree only when the whole tree is synced
    long treeNodes = scope.root().equals("/") ? source.serverNodeCount() : -1;
    WatchUpkeep watches =
        WatchUpkeep.of(
            changes, dirty, scope, new WatchHeap(Runtime.getRuntime().maxMemory(), treeNodes));
    metrics.trackWatchHeap(watches::watchHeapBytes);
    log.info(
        "{}: watching {} on the source with {}",
        config.kind().commandName(),
        scope.root(),
        persistent
            ? "one persistent recursive watch"
            : "a data watch per node and a child watch per persistent node");

    LeaderElection e = election;
    SyncStages stages =
        SyncStages.wire(
            config,
            scope,
            source,
            target,
            watches,
            dirty,
            audit,
            e == null ? WriteGate.OPEN : WriteGate.fencedBy(e::leaderNode, e::fenceLost),
            e == null ? WriteGate.OPEN : WriteGate.whileLeading(this::mayWrite));
    workers =
        new SyncWorkers(
            stages.batch(), dirty, config.tuning(), List.of(source, target, recordSide), onFatal);
    TreeWalk walk =
        new TreeWalk(
            source,
            target,
            config.kind(),
            scope,
            watches,
            config.tuning().reconcileBatch(),
            config.copyAcl(),
            TreeWalk.ChildOrder.AS_LISTED);
    reconcileLoop =
        new ReconcileLoop(
            new FullReconcile(
                config,
                scope,
                source,
                walk,
                stages.batch(),
                stages.records(),
                stages.recordWriter(),
                stages.counters(),
                stages.markers(),
                dirty,
                audit,
                metrics),
            config.reconcileInterval(),
            passListener,
            () -> source.isConnected() && target.isConnected(),
            onFatal);

    if (!listening) {
      listening = true;
      Consumer<ConnectionState> onState =
          s -> {
            if (s == ConnectionState.RECONNECTED) {
              // a reconnect delivers no events for what changed meanwhile
              requestReconcile("reconnected");
            }
          };
      source.addConnectionListener(onState);
      target.addConnectionListener(onState);
    }

    changes.start();
    workers.start();
    reconcileLoop.start();
    metrics.leader(true);
    log.info(
        "{} started: source {}, target {}, path {}",
        config.kind().commandName(),
        config.sourceConnect(),
        config.targetConnect(),
        config.path());
  }

  /**
   * Follows both sides' connections for {@code /health} and {@code zk2zk_connected} (before they
   * connect, so that the first connection is seen) and serves them on {@code --metricsPort}.
   */
  private void startMetrics() throws StartupException {
    HealthCheck health = new HealthCheck();
    health.watch(source);
    health.watch(target);
    metrics.track(health);
    if (config.run().metricsPort() > 0) {
      metricsServer = MetricsServer.start(config.run().metricsPort(), metrics, health);
    }
  }

  /** The daemon's meters; {@link SyncMetrics#leader(boolean)} reports whether it syncs. */
  public SyncMetrics metrics() {
    return metrics;
  }

  /** Stops the pipeline (watches, workers, reconcile); the sessions stay open. Idempotent. */
  private synchronized void stopSyncing() {
    metrics.leader(false);
    if (reconcileLoop != null) {
      reconcileLoop.close();
      reconcileLoop = null;
    }
    if (workers != null) {
      workers.close();
      workers = null;
    }
    if (changes != null) {
      changes.close();
      changes = null;
    }
  }

  private void requestReconcile(String why) {
    ReconcileLoop loop = reconcileLoop;
    if (loop != null) {
      loop.request(why);
    }
  }

  private void warnIfRootMissing(SyncScope scope) throws InterruptedException {
    if ("/".equals(scope.root())) {
      return;
    }
    Reply r = ZkSide.await(source.exists(scope.root()), source.replyTimeout());
    if (r.code() == Code.NONODE) {
      log.warn(
          "--path {} does not exist on the source yet; it will be synced once it appears",
          scope.root());
    }
  }

  /** Stops taking work, lets in-flight writes end, closes both sessions. Idempotent. */
  @Override
  public void close() {
    if (!lifecycle.close()) {
      return;
    }
    log.info("{} stopping", config.kind().commandName());
    stopSyncing();
    if (election != null) {
      // after the pipeline stopped: the next leader must not overlap with our last writes
      election.close();
    }
    if (target != null) {
      target.close();
    }
    if (source != null) {
      source.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    log.info("{} stopped", config.kind().commandName());
  }
}
