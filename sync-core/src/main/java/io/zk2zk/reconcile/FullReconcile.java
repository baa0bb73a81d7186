package io.zk2zk.reconcile;

import io.zk2zk.apply.RecordWriter;
import io.zk2zk.apply.SequenceCounters;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.batch.BatchSync;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.metrics.ReconcileProgress;
import io.zk2zk.metrics.SyncMetrics;
import io.zk2zk.read.SourceHorizon;
import io.zk2zk.records.CarryMarkers;
import io.zk2zk.records.CopyReceipts;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.walk.ReadPace;
import io.zk2zk.walk.TreeWalk;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full reconcile pass: list the records, walk the trees ({@link TreeWalk}) and let the batch
 * script decide and write each chunk's differences from the walk's own reads, made under the
 * chunk's claim; then (t_sync) the paths only records name, then the deletions ({@link
 * PassDeletions}), then the progress line. A chunk's writes go to the pass's writers ({@link
 * PassWriter}) while the walk reads on.
 */
public final class FullReconcile {

  private static final Logger log = LoggerFactory.getLogger(FullReconcile.class);

  /**
   * Chunks whose writes may wait for or run on the pass's writers while the walk reads on: enough
   * to keep reading and writing overlapped, few enough that their reads stay a small part of the
   * heap.
   */
  private static final int WRITES_QUEUED = 10;

  /**
   * Chunks of one level written at once: while one is decided and its outcomes audited, the others'
   * batches keep T busy; and a far T (a cloud 20 ms away) needs that many chunks' batches in flight
   * to stay busy at all: with 2 writers a 100,000-node copy through a 20 ms round trip took 2.9–3.6
   * s, with 8 (and 16 batches in flight) 2.1–2.4 s ({@code make bench}).
   */
  private static final int WRITERS = 8;

  private final DaemonKind kind;
  private final SyncRules rules;
  private final SyncScope scope;
  private final SyncConfig config;
  private final ZkSide source;
  private final TreeWalk walk;
  private final BatchSync batch;
  private final MigrationRecords records;
  private final RecordWriter recordWriter;
  private final SequenceCounters counters;
  private final DirtyPaths dirty;
  private final AuditLog audit;
  private final Set<String> reportedBadRecords = new HashSet<>();
  private final ReconcileProgress progress;
  private final CarryMarkers markers;
  private final CopyReceipts receipts;

  /**
   * @param counters all_sync's sequence counters (null for t_sync)
   * @param markers t_sync's carry markers on S, swept at the end of a pass (null for all_sync)
   * @param metrics told about every pass (null for none)
   */
  public FullReconcile(
      SyncConfig config,
      SyncScope scope,
      ZkSide source,
      TreeWalk walk,
      BatchSync batch,
      MigrationRecords records,
      RecordWriter recordWriter,
      SequenceCounters counters,
      CarryMarkers markers,
      DirtyPaths dirty,
      AuditLog audit,
      SyncMetrics metrics) {
    this.markers = markers;
    this.receipts = new CopyReceipts(records.side());
    this.kind = config.kind();
    this.rules = kind.rules();
    this.scope = scope;
    this.config = config;
    this.source = source;
    this.walk = walk;
    this.batch = batch;
    this.records = records;
    this.recordWriter = recordWriter;
    this.counters = counters;
    this.dirty = dirty;
    this.audit = audit;
    this.progress =
        new ReconcileProgress(ReconcileProgress.intervalFromSystemProperty(), metrics, log);
  }

  /** Runs one pass at full speed (see {@link #run(boolean)}). */
  public PassResult run() throws SideUnavailableException, InterruptedException {
    return run(false);
  }

  /**
   * Runs one pass and writes its progress line; throws if a side failed before the walk ended.
   *
   * @param periodic a pass that only comes round (the safety net): its reads of the source are
   *     paced by {@code --passReadRate}
   */
  public PassResult run(boolean periodic) throws SideUnavailableException, InterruptedException {
    long started = System.nanoTime();
    PassVisitor pass =
        new PassVisitor(
            progress.begin(this::expectedSourceNodes), kind, scope, batch, counters, dirty, audit);
    SourceHorizon horizon = batch.reader().horizon();
    boolean complete = false;
    horizon.passStarted();
    try {
      pass.listing = listRecords();
      pass.unvisitedRecords.addAll(pass.listing.paths());
      // rule 37: the walk visits the live copies; the others (taken on T, or gone from both
      // sides) are visited after it, so that their deletions count under the guard
      pass.unvisitedReceipts.addAll(receipts.paths(scope));
      try (PassWriter writer = new PassWriter(dirty, WRITES_QUEUED, WRITERS)) {
        pass.writer = writer;
        try {
          walk.run(
              pass,
              pass.listing.paths(),
              periodic ? new ReadPace(config.tuning().passReadRate()) : ReadPace.NONE);
          pass.changed += writer.drain();
        } catch (InterruptedException e) {
          writer.abandonNow(); // stopping: the chunks being written are interrupted as well
          throw e;
        }
      }
      // t_sync: records of paths gone from T; both: receipts of paths the walk did not see
      Set<String> unvisited = new HashSet<>(pass.unvisitedReceipts);
      if (!kind.walksTarget()) {
        unvisited.addAll(pass.unvisitedRecords);
      }
      walk.visitRecorded(unvisited, pass);
      if (markers != null) {
        int swept = markers.sweep(config.run().dryRun());
        if (swept > 0) {
          log.info("removed {} carry marker(s) on S that no carry under way names", swept);
        }
      }
      long before = pass.changed;
      pass.changed +=
          pass.deletions.apply(
              pass.target + pass.carriedOnTarget,
              config.massDeletePercent(),
              config.massDeleteMinimum(),
              config.tuning().reconcileBatch(),
              batch,
              dirty,
              audit,
              scope,
              done -> pass.reportProgress(before + done));
      pass.progress.completed(pass.source, pass.target, pass.changed);
      audit.progress(pass.source, pass.target, pass.changed);
      log.info(
          "reconcile pass done in {} ms: source {} nodes, target {} nodes, {} changes",
          (System.nanoTime() - started) / 1_000_000,
          pass.source,
          pass.target,
          pass.changed);
      complete = true;
      return new PassResult(true, pass.source, pass.target, pass.changed);
    } finally {
      horizon.passEnded(complete);
      pass.progress.ended();
    }
  }

  /**
   * The nodes a walk will read on the source, for the first pass's ETA: ZooKeeper 3.6+ counts a
   * subtree's descendants in one request; the excluded subtrees are not walked. An older server's
   * node count at the daemon's start ({@code srvr}) stands in when the whole tree is synced, a few
   * nodes too many. Negative when unknown (the first pass reports "ETA unknown").
   */
  private long expectedSourceNodes() throws InterruptedException {
    String root = scope.root();
    OptionalLong below = source.countDescendants(root);
    if (below.isEmpty()) {
      return root.equals("/") ? source.serverNodeCount() : -1;
    }
    long total = below.getAsLong() + 1;
    for (String excluded : SyncScope.EXCLUDED_ROOTS) {
      if (SyncScope.parent(excluded).equals(root)) {
        OptionalLong n = source.countDescendants(excluded);
        if (n.isPresent()) {
          total -= n.getAsLong() + 1;
        }
      }
    }
    return total;
  }

  /**
   * All records on T. A name that does not decode to a valid path names nothing: t_sync removes it,
   * all_sync ignores it; either way it is reported once.
   */
  private MigrationRecords.Listing listRecords()
      throws SideUnavailableException, InterruptedException {
    MigrationRecords.Listing listing = records.list();
    for (String name : listing.malformed()) {
      if (reportedBadRecords.add(name)) {
        log.warn(
            "record {}/{} does not name a valid path{}",
            SyncScope.MIGRATION_ROOT,
            name,
            kind.ownsRecords() ? "; removing it" : "; ignored");
      }
    }
    if (kind.ownsRecords()) {
      recordWriter.removeMalformed(listing.malformed());
    }
    return listing;
  }
}
