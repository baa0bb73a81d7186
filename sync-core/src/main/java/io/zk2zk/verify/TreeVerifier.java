package io.zk2zk.verify;

import io.zk2zk.decide.PathView;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.common.PathUtils;

/**
 * One {@code verify} run: walks both trees the way a full reconcile pass does (level by level, a
 * chunk of paths read at a time, so memory holds one level's paths, not the tree), lets the
 * daemon's own rules decide every path, and writes nothing: a path whose rule asks for a write is a
 * difference. Differences are then read again a few times, so that a change a running daemon is
 * still copying is not reported.
 *
 * <p>all_sync walks S and T in lockstep (T's extra nodes are differences too). t_sync walks T for
 * ephemerals, reads S where the rules need it, then visits the paths its records name.
 */
public final class TreeVerifier {

  private final ZkSide source;
  private final ZkSide target;
  private final ZkSide recordSide;
  private final SyncRules rules;
  private final boolean lockstep;
  private final SyncScope scope;
  private final VerifyOptions options;

  private long sourceNodes;
  private long targetNodes;
  private final EnumMap<DifferenceKind, Long> found = new EnumMap<>(DifferenceKind.class);
  // first differences by path (a path has one decision), in walk order
  private final Map<String, Difference> kept = new LinkedHashMap<>();
  private final List<Difference> warnings = new ArrayList<>();
  private final Set<String> protectedPaths = new HashSet<>();
  private Set<String> records;
  private Set<String> unvisitedRecords;
  private Runnable beforeRecheck = () -> {};

  /** A path to visit; {@code extraFrom} is the depth of its topmost ancestor absent on S, or -1. */
  private record Entry(String path, int extraFrom) {}

  /**
   * @param recordSide the side that holds {@code /zk2zk_migration} (always the global T)
   * @param lockstep true for all_sync (walk both sides), false for t_sync
   */
  public TreeVerifier(
      ZkSide source,
      ZkSide target,
      ZkSide recordSide,
      SyncRules rules,
      boolean lockstep,
      SyncScope scope,
      VerifyOptions options) {
    this.source = source;
    this.target = target;
    this.recordSide = recordSide;
    this.rules = rules;
    this.lockstep = lockstep;
    this.scope = scope;
    this.options = options;
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
    walk();
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

  /** Level by level from the root, then (t_sync) the paths only records name. */
  private void walk() throws SideUnavailableException, InterruptedException {
    records = listRecords();
    unvisitedRecords = lockstep ? Set.of() : new HashSet<>(records);
    List<Entry> level = List.of(new Entry(scope.root(), -1));
    while (!level.isEmpty()) {
      List<Entry> next = new ArrayList<>();
      for (int from = 0; from < level.size(); from += options.chunk()) {
        next.addAll(step(level.subList(from, Math.min(level.size(), from + options.chunk()))));
      }
      level = next;
    }
    if (!lockstep) {
      visitRemainingRecords();
    }
  }

  private List<Entry> step(List<Entry> chunk)
      throws SideUnavailableException, InterruptedException {
    List<String> paths = new ArrayList<>(chunk.size());
    for (Entry e : chunk) {
      paths.add(e.path());
    }
    List<NodeReader.Result> src = NodeReader.read(source, paths, true, null, options.copyAcl());
    List<NodeReader.Result> tgt =
        lockstep
            ? NodeReader.read(target, paths, true, null, options.copyAcl())
            : readTargetForTSync(paths, src);
    List<Entry> next = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      Entry e = chunk.get(i);
      String p = e.path();
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.error() != null || t.error() != null) {
        // nothing below it is visited: a daemon deletes nothing under it either
        add(
            s.error() != null
                ? Classifier.unreadable(p, "source", s.error().name())
                : Classifier.unreadable(p, "target", t.error().name()));
        continue;
      }
      if (!lockstep) {
        unvisitedRecords.remove(p);
      }
      boolean inScope = scope.contains(p);
      if (inScope) {
        visit(new PathView(p, s.state(), t.state(), records.contains(p)));
        if (lockstep && t.state().isEphemeral() && e.extraFrom() >= 0) {
          protectAncestors(p, e.extraFrom());
        }
      }
      // sorted, so that the report lists differences in a stable order
      Set<String> children = new TreeSet<>();
      if (s.state().children() != null) {
        children.addAll(s.state().children());
      }
      if (lockstep && t.state().children() != null) {
        children.addAll(t.state().children());
      }
      int extraFrom = e.extraFrom();
      if (extraFrom < 0 && lockstep && inScope && !s.state().exists() && t.state().exists()) {
        extraFrom = SyncScope.depth(p);
      }
      for (String c : children) {
        String child = SyncScope.child(p, c);
        if (scope.walks(child)) {
          next.add(new Entry(child, extraFrom));
        }
      }
    }
    return next;
  }

  /** Counts the path as the progress line does and records what its rule would write. */
  private void visit(PathView v) {
    if (rules.countsAsSource(v)) {
      sourceNodes++;
    }
    if (rules.countsAsTarget(v)) {
      targetNodes++;
    }
    Difference d = Classifier.classify(v, rules.decide(v));
    if (d != null) {
      add(d);
    }
  }

  private void add(Difference d) {
    found.merge(d.kind(), 1L, Long::sum);
    if (d.kind().failsVerify() && kept.size() < options.recheckLimit()) {
      kept.put(d.path(), d);
    }
  }

  /**
   * all_sync never deletes an ancestor of a live ephemeral on T: the ancestors of {@code path} that
   * the walk counted as extra (from depth {@code extraFrom} down, all absent on S) become warnings.
   */
  private void protectAncestors(String path, int extraFrom) {
    for (String a = SyncScope.parent(path);
        !"/".equals(a) && SyncScope.depth(a) >= extraFrom;
        a = SyncScope.parent(a)) {
      if (!protectedPaths.add(a)) {
        return;
      }
      found.merge(DifferenceKind.EXTRA, -1L, Long::sum);
      found.merge(DifferenceKind.KEPT, 1L, Long::sum);
      Difference extra = kept.remove(a);
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

  /** t_sync only needs S where T holds an ephemeral or a record names the path. */
  private List<NodeReader.Result> readTargetForTSync(
      List<String> chunk, List<NodeReader.Result> src)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>();
    for (NodeReader.Result s : src) {
      if (s.state() != null && (rules.needsTarget(s.state()) || records.contains(s.path()))) {
        wanted.add(s.path());
      }
    }
    return NodeReader.readOnly(target, chunk, wanted, options.copyAcl());
  }

  /** t_sync: the paths records name that the walk of T did not meet (gone from T). */
  private void visitRemainingRecords() throws SideUnavailableException, InterruptedException {
    List<String> rest = new ArrayList<>(new TreeSet<>(unvisitedRecords));
    rest.removeIf(p -> !scope.contains(p));
    for (int from = 0; from < rest.size(); from += options.chunk()) {
      List<String> chunk = rest.subList(from, Math.min(rest.size(), from + options.chunk()));
      List<NodeReader.Result> src = NodeReader.read(source, chunk, false, null, options.copyAcl());
      List<NodeReader.Result> tgt = NodeReader.read(target, chunk, false, null, options.copyAcl());
      for (int i = 0; i < chunk.size(); i++) {
        Difference unreadable = unreadable(src.get(i), tgt.get(i));
        if (unreadable != null) {
          add(unreadable);
        } else {
          visit(new PathView(chunk.get(i), src.get(i).state(), tgt.get(i).state(), true));
        }
      }
    }
  }

  /**
   * Reads the differing paths again and decides again; returns those that still differ, as they
   * differ now.
   */
  private Map<String, Difference> recheck(Collection<Difference> diffs)
      throws SideUnavailableException, InterruptedException {
    List<String> recordNodes = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (Difference d : diffs) {
      (isRecordNode(d.path()) ? recordNodes : paths).add(d.path());
    }
    Map<String, Difference> still = new LinkedHashMap<>();
    for (int from = 0; from < paths.size(); from += options.chunk()) {
      List<String> chunk = paths.subList(from, Math.min(paths.size(), from + options.chunk()));
      List<NodeReader.Result> src = NodeReader.read(source, chunk, false, null, options.copyAcl());
      List<NodeReader.Result> tgt = NodeReader.read(target, chunk, false, null, options.copyAcl());
      List<PathView> views = new ArrayList<>();
      List<String> recordPaths = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        Difference unreadable = unreadable(src.get(i), tgt.get(i));
        if (unreadable != null) {
          still.put(unreadable.path(), unreadable);
          continue;
        }
        PathView v = new PathView(chunk.get(i), src.get(i).state(), tgt.get(i).state(), false);
        views.add(v);
        if (rules.needsRecord(v.source(), v.target())) {
          recordPaths.add(SyncScope.recordPath(v.path()));
        }
      }
      NodeReader.Presence[] presence = NodeReader.exist(recordSide, recordPaths);
      int r = 0;
      for (PathView v : views) {
        boolean recorded = false;
        if (rules.needsRecord(v.source(), v.target())) {
          // a record that cannot be read counts as present, as it does for the daemons
          recorded = presence[r++] != NodeReader.Presence.ABSENT;
        }
        PathView fresh = new PathView(v.path(), v.source(), v.target(), recorded);
        Difference d = Classifier.classify(fresh, rules.decide(fresh));
        if (d != null && !(d.kind() == DifferenceKind.EXTRA && protectedPaths.contains(v.path()))) {
          still.put(d.path(), d);
        }
      }
    }
    NodeReader.Presence[] present = NodeReader.exist(recordSide, recordNodes);
    for (int i = 0; i < present.length; i++) {
      if (present[i] != NodeReader.Presence.ABSENT) {
        still.put(recordNodes.get(i), Classifier.malformedRecord(recordNodes.get(i)));
      }
    }
    return still;
  }

  private static boolean isRecordNode(String path) {
    return path.startsWith(SyncScope.MIGRATION_ROOT + "/");
  }

  private static Difference unreadable(NodeReader.Result s, NodeReader.Result t) {
    if (s.error() != null) {
      return Classifier.unreadable(s.path(), "source", s.error().name());
    }
    if (t.error() != null) {
      return Classifier.unreadable(t.path(), "target", t.error().name());
    }
    return null;
  }

  /**
   * All records on T, as the paths they name. A name that does not decode to a valid path names
   * nothing: t_sync would remove it (a difference), all_sync ignores it.
   */
  private Set<String> listRecords() throws SideUnavailableException, InterruptedException {
    Reply r =
        ZkSide.await(
            recordSide.getChildren(SyncScope.MIGRATION_ROOT, null), recordSide.replyTimeout());
    if (r.code() == Code.NONODE) {
      return Set.of();
    }
    if (!r.ok()) {
      throw new SideUnavailableException(
          "cannot list "
              + SyncScope.MIGRATION_ROOT
              + " on T ("
              + recordSide.connectString()
              + "): "
              + r.code());
    }
    Set<String> out = new HashSet<>(r.children().size() * 2);
    for (String name : new TreeSet<>(r.children())) {
      try {
        String path = RecordName.unescape(name);
        PathUtils.validatePath(path);
        out.add(path);
      } catch (IllegalArgumentException e) {
        if (!lockstep) {
          add(Classifier.malformedRecord(SyncScope.MIGRATION_ROOT + "/" + name));
        }
      }
    }
    return out;
  }
}
