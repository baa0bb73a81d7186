package io.zk2zk.reconcile;

import io.zk2zk.apply.RecordWriter;
import io.zk2zk.apply.SequenceCounters;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.batch.BatchSync;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.metrics.PassProgress;
import io.zk2zk.metrics.ReconcileProgress;
import io.zk2zk.metrics.SyncMetrics;
import io.zk2zk.read.BatchReader;
import io.zk2zk.read.SourceHorizon;
import io.zk2zk.records.CarryMarkers;
import io.zk2zk.records.CopyReceipts;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.records.RecordListing;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.walk.ReadPace;
import io.zk2zk.walk.TreeWalk;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    Pass pass = new Pass(progress.begin(this::expectedSourceNodes));
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

  /** What one pass has seen so far; the walk hands it every chunk. */
  private final class Pass implements TreeWalk.Visitor {
    final PassProgress progress;
    final PassDeletions deletions = new PassDeletions();
    final Set<String> unvisitedRecords = new HashSet<>();
    final Set<String> unvisitedReceipts = new HashSet<>();
    MigrationRecords.Listing listing;
    PassWriter writer;
    long source;
    long target;
    // all_sync: clients' nodes on T carried to S, which rule 36 deletes: in the guard's base too
    long carriedOnTarget;
    long changed;

    Pass(PassProgress progress) {
      this.progress = progress;
    }

    @Override
    public Set<String> claim(List<String> paths) {
      return dirty.tryClaim(paths);
    }

    @Override
    public void release(Set<String> claimed) {
      dirty.release(claimed);
    }

    @Override
    public void visit(TreeWalk.Chunk chunk) throws SideUnavailableException, InterruptedException {
      if (chunk.depth() < 0) {
        visitRecorded(chunk);
        return;
      }
      boolean handedOver = false;
      try {
        progress.read(existing(chunk.src()), existing(chunk.tgt()));
        batch.reader().horizon().observe(chunk.src());
        List<Integer> writes = nominate(chunk, batch.reader());
        RecordListing current = listing.current();
        handedOver = true; // from here the writer releases the claim
        changed +=
            writer.submit(
                chunk.depth(),
                chunk.claimed(),
                () -> {
                  int n = syncNominated(writes, chunk, current);
                  if (counters != null) {
                    counters.alignWalked(chunk.src(), chunk.tgt(), scope);
                  }
                  return n;
                });
        reportProgress(changed);
      } finally {
        if (!handedOver) {
          dirty.release(chunk.claimed());
        }
      }
    }

    /** Counts each path, nominates its deletion; returns the positions that ask for a write. */
    private List<Integer> nominate(TreeWalk.Chunk chunk, BatchReader reader)
        throws SideUnavailableException, InterruptedException {
      List<Integer> writes = new ArrayList<>();
      List<PathView> views = new ArrayList<>(chunk.paths().size());
      Map<String, Integer> positions = new HashMap<>(chunk.paths().size() * 2);
      for (int i = 0; i < chunk.paths().size(); i++) {
        String p = chunk.paths().get(i);
        if (!chunk.readable(i)) {
          NodeReader.Result s = chunk.src().get(i);
          audit.alarm(
              p,
              "cannot read: "
                  + (s.error() != null ? s.error() : chunk.tgt().get(i).error()).name());
          deletions.unreadable(p);
          continue;
        }
        unvisitedRecords.remove(p);
        unvisitedReceipts.remove(p);
        if (!scope.contains(p)) {
          continue;
        }
        var t = chunk.tgt().get(i).state();
        views.add(new PathView(p, chunk.src().get(i).state(), t, recorded(p)));
        positions.put(p, i);
        if (kind.walksTarget() && t.isEphemeral()) {
          deletions.ephemeral(p);
        }
      }
      // a node T has and S does not is a deletion only if it is a copy (rule 33); t_sync reads S
      // for the nodes clients created on T (a view whose S node is unreadable is left out)
      reader.withProvenance(views);
      for (PathView v : views) {
        if (nominate(v)) {
          writes.add(positions.get(v.path()));
        }
      }
      return writes;
    }

    /**
     * A chunk of the paths the walk did not see that only records (t_sync) or copy receipts name,
     * nominated, then synced from fresh reads.
     */
    private void visitRecorded(TreeWalk.Chunk chunk)
        throws SideUnavailableException, InterruptedException {
      List<String> writes = new ArrayList<>();
      List<PathView> views = new ArrayList<>(chunk.paths().size());
      for (int i = 0; i < chunk.paths().size(); i++) {
        if (!chunk.readable(i)) {
          deletions.unreadable(chunk.paths().get(i));
          continue;
        }
        String p = chunk.paths().get(i);
        views.add(
            new PathView(p, chunk.src().get(i).state(), chunk.tgt().get(i).state(), recorded(p)));
      }
      batch.reader().withProvenance(views);
      for (PathView v : views) {
        if (nominate(v)) {
          writes.add(v.path());
        }
      }
      changed += PassDeletions.syncClaimed(writes, batch, dirty);
      reportProgress(changed);
    }

    private boolean recorded(String path) {
      return listing.paths().contains(path);
    }

    /**
     * Counts the path and nominates it for a deletion at the end of the walk; returns true when it
     * asks for a write or an alarm now.
     */
    private boolean nominate(PathView v) {
      if (rules.countsAsSource(v)) {
        source++;
      }
      if (rules.countsAsTarget(v)) {
        target++;
      } else if (kind.walksTarget() && v.recorded() && v.target().isPersistent()) {
        carriedOnTarget++;
      }
      Decision d = rules.decide(v);
      // a node absent on the source is deleted under the guard; rule 37's delete is not an
      // inference from an absence but what the receipt of this very node says, as an event would
      if (d.action() instanceof Action.Delete && !v.receipt().forThisNode()) {
        deletions.nominate(v.path());
        return false;
      }
      return d.writes() || d.action() instanceof Action.Alarm || d.action() instanceof Action.Keep;
    }

    /** A progress line if the interval has passed (deletions can take long too). */
    void reportProgress(long changedSoFar) {
      progress.changes(changedSoFar);
      progress.maybeLog();
    }
  }

  /**
   * Decides and applies the nominated writes of a chunk from the walk's reads, made under the
   * claim; a path a worker held is synced by it and once more after it.
   *
   * @return the writes decided, plus the nominated paths a worker held
   */
  private int syncNominated(List<Integer> positions, TreeWalk.Chunk chunk, RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    if (positions.isEmpty()) {
      return 0;
    }
    List<NodeReader.Result> s = new ArrayList<>(positions.size());
    List<NodeReader.Result> t = new ArrayList<>(positions.size());
    int held = 0;
    for (int i : positions) {
      if (chunk.claimed().contains(chunk.paths().get(i))) {
        s.add(chunk.src().get(i));
        t.add(chunk.tgt().get(i));
      } else {
        held++;
      }
    }
    return batch.sync(s, t, listing) + held;
  }

  private static long existing(List<NodeReader.Result> reads) {
    long n = 0;
    for (NodeReader.Result r : reads) {
      if (r.state() != null && r.state().exists()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The nodes a walk will read on the source, for the first pass's ETA: ZooKeeper 3.6+ counts a
   * subtree's descendants in one request; the excluded subtrees are not walked. Negative when
   * unknown (older servers: the first pass reports "ETA unknown").
   */
  private long expectedSourceNodes() throws InterruptedException {
    String root = scope.root();
    OptionalLong below = source.countDescendants(root);
    if (below.isEmpty()) {
      return -1;
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
