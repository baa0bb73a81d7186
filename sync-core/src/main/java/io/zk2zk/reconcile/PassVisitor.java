package io.zk2zk.reconcile;

import io.zk2zk.apply.SequenceCounters;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.batch.BatchSync;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.metrics.PassProgress;
import io.zk2zk.read.BatchReader;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.records.RecordListing;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.walk.TreeWalk;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one reconcile pass has seen so far: the walk hands it every chunk, which it counts,
 * nominates for deletion at the end of the pass, and hands to the pass's writers to decide and
 * write.
 */
final class PassVisitor implements TreeWalk.Visitor {
  private final DaemonKind kind;
  private final SyncRules rules;
  private final SyncScope scope;
  private final BatchSync batch;
  private final SequenceCounters counters;
  private final DirtyPaths dirty;
  private final AuditLog audit;
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

  /**
   * @param counters all_sync's sequence counters (null for t_sync)
   */
  PassVisitor(
      PassProgress progress,
      DaemonKind kind,
      SyncScope scope,
      BatchSync batch,
      SequenceCounters counters,
      DirtyPaths dirty,
      AuditLog audit) {
    this.progress = progress;
    this.kind = kind;
    this.rules = kind.rules();
    this.scope = scope;
    this.batch = batch;
    this.counters = counters;
    this.dirty = dirty;
    this.audit = audit;
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
            "cannot read: " + (s.error() != null ? s.error() : chunk.tgt().get(i).error()).name());
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
}
