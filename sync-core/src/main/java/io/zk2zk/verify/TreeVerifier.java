package io.zk2zk.verify;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.read.BatchReader;
import io.zk2zk.read.BatchViews;
import io.zk2zk.read.Trigger;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.source.WatchUpkeep;
import io.zk2zk.walk.KeptAncestors;
import io.zk2zk.walk.TreeWalk;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code verify} run: the full pass's walk ({@link TreeWalk}) with the writes taken out. Every
 * path is decided by the daemon's own rules and a path whose rule asks for a write is a difference.
 * Differences are then read again a few times through the batch script's own reader, up to the
 * decision, so that a change a running daemon is still copying is not reported; the node counts
 * follow what the re-checks read.
 */
public final class TreeVerifier {

  private final DaemonKind kind;
  private final SyncRules rules;
  private final SyncScope scope;
  private final VerifyOptions options;
  private final ZkSide source;
  private final ZkSide target;
  private final MigrationRecords records;
  private final TreeWalk walk;
  private final BatchReader reader;

  private long sourceNodes;
  private long targetNodes;
  private final EnumMap<DifferenceKind, Long> found = new EnumMap<>(DifferenceKind.class);
  // first differences by path (a path has one decision), in walk order
  private final Map<String, Difference> kept = new LinkedHashMap<>();
  // how the walk counted each kept difference's path: bit 1 source, bit 2 target
  private final Map<String, Integer> countedAs = new HashMap<>();
  private final List<Difference> warnings = new ArrayList<>();
  private final KeptAncestors keptAncestors = new KeptAncestors();
  private final Set<String> unvisitedRecords = new HashSet<>();
  private Map<String, Difference> recheckUnreadable;
  private Runnable beforeRecheck = () -> {};

  /**
   * @param recordSide the side that holds {@code /zk2zk_migration} (always the global T)
   */
  public TreeVerifier(
      ZkSide source,
      ZkSide target,
      ZkSide recordSide,
      DaemonKind kind,
      SyncScope scope,
      VerifyOptions options) {
    this.kind = kind;
    this.rules = kind.rules();
    this.scope = scope;
    this.options = options;
    this.source = source;
    this.target = target;
    this.records = new MigrationRecords(recordSide);
    this.walk =
        new TreeWalk(
            source,
            target,
            kind,
            scope,
            WatchUpkeep.NONE,
            options.chunk(),
            options.copyAcl(),
            TreeWalk.ChildOrder.SORTED);
    this.reader =
        new BatchReader(
            source,
            target,
            kind,
            scope,
            records,
            WatchUpkeep.NONE,
            null,
            (path, side, code) ->
                recheckUnreadable.put(path, Classifier.unreadable(path, side, code)),
            options.copyAcl(),
            null);
  }

  /** Runs {@code hook} after each wait, just before the differing paths are read again. */
  public TreeVerifier beforeEachRecheck(Runnable hook) {
    this.beforeRecheck = hook;
    return this;
  }

  /**
   * What the walk and the re-checks found; {@code command} names the report. One run per instance.
   */
  public VerifyReport run(String command) throws SideUnavailableException, InterruptedException {
    long started = System.nanoTime();
    MigrationRecords.Listing listing = records.list();
    if (kind.ownsRecords()) {
      for (String name : new java.util.TreeSet<>(listing.malformed())) {
        add(Classifier.malformedRecord(SyncScope.MIGRATION_ROOT + "/" + name));
      }
      unvisitedRecords.addAll(listing.paths());
    }
    Walker walker = new Walker(listing.paths());
    walk.run(walker, listing.paths());
    if (!kind.walksTarget()) {
      walk.visitRecorded(unvisitedRecords, walker); // t_sync: records of paths gone from T
    }
    // differences beyond the re-check limit count as found, the others as the re-checks see them
    EnumMap<DifferenceKind, Long> total = new EnumMap<>(found);
    for (Difference d : kept.values()) {
      total.merge(d.kind(), -1L, Long::sum);
    }
    long notRechecked = 0;
    for (Map.Entry<DifferenceKind, Long> e : total.entrySet()) {
      notRechecked += e.getKey().failsVerify() ? e.getValue() : 0;
    }
    Map<String, Difference> pending = kept;
    int rounds = 0;
    while (rounds < options.rechecks() && !pending.isEmpty()) {
      Thread.sleep(options.recheckInterval().toMillis());
      beforeRecheck.run();
      pending = recheck(pending.values());
      rounds++;
    }
    for (Difference d : pending.values()) {
      total.merge(d.kind(), 1L, Long::sum);
    }
    Map<String, Long> byKind = new LinkedHashMap<>();
    long differences = 0;
    for (Map.Entry<DifferenceKind, Long> e : total.entrySet()) {
      if (e.getValue() > 0) {
        byKind.put(e.getKey().label(), e.getValue());
        differences += e.getKey().failsVerify() ? e.getValue() : 0;
      }
    }
    return new VerifyReport(
        command,
        source.connectString().toString(),
        target.connectString().toString(),
        scope.root(),
        differences == 0,
        sourceNodes,
        targetNodes,
        differences,
        byKind,
        kept.size() - pending.size(),
        notRechecked,
        rounds,
        total.getOrDefault(DifferenceKind.KEPT, 0L),
        pending.values().stream().limit(options.maxDiffs()).toList(),
        List.copyOf(warnings),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** Classifies each chunk the walk reads; claims nothing, since it writes nothing. */
  private final class Walker implements TreeWalk.Visitor {
    private final Set<String> recorded;

    Walker(Set<String> recorded) {
      this.recorded = recorded;
    }

    @Override
    public Set<String> claim(List<String> paths) {
      return Set.of();
    }

    @Override
    public void release(Set<String> claimed) {}

    @Override
    public void visit(TreeWalk.Chunk chunk) throws SideUnavailableException, InterruptedException {
      List<PathView> views = new ArrayList<>(chunk.paths().size());
      for (int i = 0; i < chunk.paths().size(); i++) {
        String p = chunk.paths().get(i);
        NodeReader.Result s = chunk.src().get(i);
        NodeReader.Result t = chunk.tgt().get(i);
        if (!chunk.readable(i)) {
          // nothing below it is visited: a daemon deletes nothing under it either
          add(
              s.error() != null
                  ? Classifier.unreadable(p, "source", s.error().name())
                  : Classifier.unreadable(p, "target", t.error().name()));
          continue;
        }
        unvisitedRecords.remove(p);
        boolean recordedPath = chunk.depth() < 0 || recorded.contains(p);
        if (scope.contains(p)) {
          views.add(new PathView(p, s.state(), t.state(), recordedPath));
        }
      }
      reader.withProvenance(views);
      for (PathView v : views) {
        classify(v);
        if (kind.walksTarget() && v.target().isEphemeral()) {
          keep(keptAncestors.ephemeral(v.path()));
        }
      }
    }
  }

  /** Counts the path as the progress line does and records what its rule would write. */
  private void classify(PathView v) {
    int counted = (rules.countsAsSource(v) ? 1 : 0) | (rules.countsAsTarget(v) ? 2 : 0);
    sourceNodes += counted & 1;
    targetNodes += counted >> 1;
    Decision decision = rules.decide(v);
    if (kind.walksTarget() && decision.action() instanceof Action.Delete) {
      keptAncestors.extra(v.path());
    }
    Difference d = Classifier.classify(v, decision);
    if (d != null && add(d)) {
      countedAs.put(v.path(), counted);
    }
  }

  /** Counts a difference; returns whether it is kept for re-checking. */
  private boolean add(Difference d) {
    found.merge(d.kind(), 1L, Long::sum);
    if (d.kind() == DifferenceKind.KEPT && warnings.size() < options.maxDiffs()) {
      warnings.add(d); // rule 33: a client's node on T, which "in sync" allows
    }
    if (d.kind().failsVerify() && kept.size() < options.recheckLimit()) {
      kept.put(d.path(), d);
      return true;
    }
    return false;
  }

  /**
   * all_sync never deletes an ancestor of a live ephemeral on T: the extras above one become
   * warnings.
   */
  private void keep(List<String> ancestors) {
    for (String a : ancestors) {
      found.merge(DifferenceKind.EXTRA, -1L, Long::sum);
      found.merge(DifferenceKind.KEPT, 1L, Long::sum);
      Difference extra = kept.remove(a);
      countedAs.remove(a);
      if (warnings.size() < options.maxDiffs()) {
        warnings.add(
            Classifier.kept(
                extra != null
                    ? extra
                    : new Difference(
                        DifferenceKind.EXTRA, a, "11-15", "absent", -1, "persistent", -1, "")));
      }
    }
  }

  /**
   * Reads the differing paths again, through the batch script's reader, and decides again; returns
   * those that still differ, as they differ now. The node counts follow the fresh reads, so that a
   * report never says "in sync" beside counts taken before a change in flight landed.
   */
  private Map<String, Difference> recheck(Collection<Difference> diffs)
      throws SideUnavailableException, InterruptedException {
    List<String> recordNodes = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (Difference d : diffs) {
      if (isRecordNode(d.path())) {
        recordNodes.add(d.path());
      } else {
        (d.kind() == DifferenceKind.UNREADABLE ? unreadable : paths).add(d.path());
      }
    }
    Map<String, Difference> still = new LinkedHashMap<>();
    recheckUnreadable = still;
    // read plainly: the reader leaves out paths no rule decides (the root, t_sync's persistent
    // nodes on T), and an unreadable one of those hides its whole subtree from the walk
    paths.addAll(stillReadable(unreadable, still));
    for (int from = 0; from < paths.size(); from += options.chunk()) {
      List<String> chunk = paths.subList(from, Math.min(paths.size(), from + options.chunk()));
      BatchViews read = reader.read(chunk, Set.of(), Trigger.PASS);
      for (PathView fresh : read.views()) {
        recount(fresh);
        Difference d = Classifier.classify(fresh, rules.decide(fresh));
        if (d != null
            && !(d.kind() == DifferenceKind.EXTRA && keptAncestors.isKept(fresh.path()))) {
          still.put(d.path(), d);
        }
      }
    }
    NodeReader.Presence[] present = NodeReader.exist(records.side(), recordNodes);
    for (int i = 0; i < present.length; i++) {
      if (present[i] != NodeReader.Presence.ABSENT) {
        still.put(recordNodes.get(i), Classifier.malformedRecord(recordNodes.get(i)));
      }
    }
    return still;
  }

  /**
   * Reads the paths found unreadable again on both sides; those still unreadable go to {@code
   * still}, the others are returned to be decided.
   */
  private List<String> stillReadable(List<String> unreadable, Map<String, Difference> still)
      throws SideUnavailableException, InterruptedException {
    List<String> readable = new ArrayList<>();
    for (int from = 0; from < unreadable.size(); from += options.chunk()) {
      List<String> chunk =
          unreadable.subList(from, Math.min(unreadable.size(), from + options.chunk()));
      NodeReader.Pending onTarget = NodeReader.issue(target, chunk, false, null, false);
      List<NodeReader.Result> src = NodeReader.read(source, chunk, false, null);
      List<NodeReader.Result> tgt = onTarget.get();
      for (int i = 0; i < chunk.size(); i++) {
        NodeReader.Result s = src.get(i);
        NodeReader.Result t = tgt.get(i);
        if (s.error() != null) {
          still.put(s.path(), Classifier.unreadable(s.path(), "source", s.error().name()));
        } else if (t.error() != null) {
          still.put(t.path(), Classifier.unreadable(t.path(), "target", t.error().name()));
        } else {
          readable.add(s.path());
        }
      }
    }
    return readable;
  }

  /** Counts a re-read path as it is now instead of as the walk saw it. */
  private void recount(PathView fresh) {
    Integer before = countedAs.get(fresh.path());
    if (before == null) {
      return;
    }
    int now = (rules.countsAsSource(fresh) ? 1 : 0) | (rules.countsAsTarget(fresh) ? 2 : 0);
    sourceNodes += (now & 1) - (before & 1);
    targetNodes += (now >> 1) - (before >> 1);
    countedAs.put(fresh.path(), now);
  }

  private static boolean isRecordNode(String path) {
    return path.startsWith(SyncScope.MIGRATION_ROOT + "/");
  }
}
