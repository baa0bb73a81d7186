package io.zk2zk.reconcile;

import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full reconcile pass: walk the trees level by level (reads pipelined, a level at a time, so
 * memory holds a level's paths, not the tree), decide every path, apply creates and updates as the
 * walk goes, and apply deletions only at the end, only if the walk read everything, and only if
 * they pass the mass-delete guard.
 *
 * <p>all_sync walks S and T in lockstep (T's extra nodes are rule 11's deletions). t_sync walks T
 * (its source) for ephemerals, and visits the paths its records name.
 */
public final class FullReconcile {

  private static final Logger log = LoggerFactory.getLogger(FullReconcile.class);

  private final SyncContext ctx;
  private final boolean lockstep;
  private final PathSync pathSync;
  private final SequenceCounters sequenceCounters;

  public FullReconcile(SyncContext ctx, boolean lockstep) {
    this.ctx = ctx;
    this.lockstep = lockstep;
    this.pathSync = new PathSync(ctx);
    this.sequenceCounters = new SequenceCounters(ctx);
  }

  /** Runs one pass and writes its progress line; throws if a side failed before the walk ended. */
  public PassResult run() throws SideUnavailableException, InterruptedException {
    long started = System.nanoTime();
    Set<String> records = listRecords();
    Set<String> unvisitedRecords = new HashSet<>(records);
    Counts counts = new Counts();
    List<Decision> deletions = new ArrayList<>();
    Set<String> protectedPaths = new HashSet<>();
    Set<String> unreadable = new HashSet<>();

    List<String> level = List.of(ctx.scope().root());
    while (!level.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (int from = 0; from < level.size(); from += ctx.config().tuning().reconcileBatch()) {
        List<String> chunk =
            level.subList(
                from, Math.min(level.size(), from + ctx.config().tuning().reconcileBatch()));
        next.addAll(
            step(chunk, records, unvisitedRecords, counts, deletions, protectedPaths, unreadable));
      }
      level = next;
    }
    if (!unvisitedRecords.isEmpty()) {
      // t_sync: records naming paths that are no longer on T (or outside the walk)
      List<String> rest = new ArrayList<>();
      for (String p : unvisitedRecords) {
        if (ctx.scope().contains(p)) {
          rest.add(p);
        }
      }
      for (int from = 0; from < rest.size(); from += ctx.config().tuning().reconcileBatch()) {
        List<String> chunk =
            rest.subList(
                from, Math.min(rest.size(), from + ctx.config().tuning().reconcileBatch()));
        stepRecorded(chunk, counts, deletions);
      }
    }
    counts.changed += deletions.size();
    applyDeletions(deletions, protectedPaths, unreadable, counts);
    ctx.audit().progress(counts.source, counts.target, counts.changed);
    log.info(
        "reconcile pass done in {} ms: source {} nodes, target {} nodes, {} changes",
        (System.nanoTime() - started) / 1_000_000,
        counts.source,
        counts.target,
        counts.changed);
    return new PassResult(true, counts.source, counts.target, counts.changed);
  }

  private static final class Counts {
    long source;
    long target;
    long changed;
  }

  private List<String> step(
      List<String> chunk,
      Set<String> records,
      Set<String> unvisitedRecords,
      Counts counts,
      List<Decision> deletions,
      Set<String> protectedPaths,
      Set<String> unreadable)
      throws SideUnavailableException, InterruptedException {
    List<NodeReader.Result> src = NodeReader.read(ctx.source(), chunk, true, ctx.sourceWatcher());
    List<NodeReader.Result> tgt;
    if (lockstep) {
      tgt = NodeReader.read(ctx.target(), chunk, true, null);
    } else {
      // t_sync: only T's ephemerals (and recorded paths) concern S
      List<String> wanted = new ArrayList<>();
      for (NodeReader.Result s : src) {
        if (s.state() != null
            && (ctx.rules().needsTarget(s.state()) || records.contains(s.path()))) {
          wanted.add(s.path());
        }
      }
      Map<String, NodeReader.Result> byPath = new HashMap<>();
      for (NodeReader.Result r : NodeReader.read(ctx.target(), wanted, false, null)) {
        byPath.put(r.path(), r);
      }
      tgt = new ArrayList<>(chunk.size());
      for (String p : chunk) {
        tgt.add(byPath.getOrDefault(p, new NodeReader.Result(p, NodeState.ABSENT, null)));
      }
    }
    List<String> next = new ArrayList<>();
    List<Decision> writes = new ArrayList<>();
    Map<String, NodeState> sourceStates = new HashMap<>();
    for (int i = 0; i < chunk.size(); i++) {
      String p = chunk.get(i);
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.error() != null || t.error() != null) {
        ctx.audit().alarm(p, "cannot read: " + (s.error() != null ? s.error() : t.error()).name());
        unreadable.add(p);
        continue;
      }
      unvisitedRecords.remove(p);
      sourceStates.put(p, s.state());
      if (ctx.scope().contains(p)) {
        PathView v = new PathView(p, s.state(), t.state(), records.contains(p));
        Decision d = ctx.rules().decide(v);
        if (ctx.rules().countsAsSource(v)) {
          counts.source++;
        }
        if (ctx.rules().countsAsTarget(v)) {
          counts.target++;
        }
        if (d.action() instanceof Action.Delete) {
          deletions.add(d);
        } else if (d.writes() || d.action() instanceof Action.Alarm) {
          writes.add(d);
        }
        if (lockstep && t.state().isEphemeral()) {
          for (String a = SyncScope.parent(p); !"/".equals(a); a = SyncScope.parent(a)) {
            if (!protectedPaths.add(a)) {
              break;
            }
          }
        }
      }
      Set<String> children = new HashSet<>();
      if (s.state().children() != null) {
        children.addAll(s.state().children());
      }
      if (lockstep && t.state().children() != null) {
        children.addAll(t.state().children());
      }
      for (String c : children) {
        String child = SyncScope.child(p, c);
        if (ctx.scope().walks(child)) {
          next.add(child);
        }
      }
    }
    applyClaimed(writes, sourceStates, counts);
    if (lockstep) {
      alignSequenceCounters(chunk, src, tgt);
    }
    return next;
  }

  /** all_sync: T's sequence counter of every synced parent at or above S's. */
  private void alignSequenceCounters(
      List<String> chunk, List<NodeReader.Result> src, List<NodeReader.Result> tgt)
      throws InterruptedException {
    Map<String, Integer> raise = new HashMap<>();
    for (int i = 0; i < chunk.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.state() == null
          || t.state() == null
          || !s.state().exists()
          || s.nextSequence() == 0
          || !ctx.scope().contains(s.path())) {
        continue;
      }
      Set<String> missing = new HashSet<>(s.state().children());
      if (t.state().children() != null) {
        missing.removeAll(t.state().children());
      }
      int n = SequenceCounters.shortfall(s, t, missing.size());
      if (n > 0) {
        raise.put(s.path(), n);
      }
    }
    sequenceCounters.raise(raise);
  }

  /** Applies decisions for the paths no worker holds; the others are synced again after. */
  private void applyClaimed(
      List<Decision> decisions, Map<String, NodeState> sourceStates, Counts counts)
      throws InterruptedException, SideUnavailableException {
    if (decisions.isEmpty()) {
      return;
    }
    List<String> paths = new ArrayList<>(decisions.size());
    for (Decision d : decisions) {
      paths.add(d.action().path());
    }
    Set<String> claimed = ctx.dirty().tryClaim(paths);
    try {
      List<Decision> mine = new ArrayList<>(claimed.size());
      for (Decision d : decisions) {
        if (claimed.contains(d.action().path())) {
          mine.add(d);
        }
      }
      counts.changed += pathSync.apply(mine, sourceStates, false);
    } finally {
      ctx.dirty().release(claimed);
    }
  }

  private void stepRecorded(List<String> chunk, Counts counts, List<Decision> deletions)
      throws SideUnavailableException, InterruptedException {
    List<NodeReader.Result> src = NodeReader.read(ctx.source(), chunk, false, null);
    List<NodeReader.Result> tgt = NodeReader.read(ctx.target(), chunk, false, null);
    List<Decision> writes = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.error() != null || t.error() != null) {
        continue;
      }
      PathView v = new PathView(chunk.get(i), s.state(), t.state(), true);
      Decision d = ctx.rules().decide(v);
      if (ctx.rules().countsAsSource(v)) {
        counts.source++;
      }
      if (ctx.rules().countsAsTarget(v)) {
        counts.target++;
      }
      if (d.action() instanceof Action.Delete) {
        deletions.add(d);
      } else if (d.writes()) {
        writes.add(d);
      }
    }
    applyClaimed(writes, Map.of(), counts);
  }

  private void applyDeletions(
      List<Decision> deletions, Set<String> protectedPaths, Set<String> unreadable, Counts counts)
      throws InterruptedException, SideUnavailableException {
    if (deletions.isEmpty()) {
      return;
    }
    int percent = ctx.config().massDeletePercent();
    long managed = counts.target;
    if (percent < 100
        && deletions.size() >= ctx.config().massDeleteMinimum()
        && deletions.size() * 100L > managed * percent) {
      String why =
          String.format(
              "mass-delete guard: this pass would delete %d of the %d nodes this daemon manages on"
                  + " its target (more than %d%%); nothing deleted. Is --srcAddr the right"
                  + " ensemble? Raise --maxDeletePercent (100 disables the guard) if this is"
                  + " intended.",
              deletions.size(), managed, percent);
      log.error(why);
      ctx.audit().alarm(ctx.scope().root(), why);
      return;
    }
    List<Decision> allowed = new ArrayList<>();
    for (Decision d : deletions) {
      String p = d.action().path();
      if (underUnreadable(p, unreadable)) {
        continue;
      }
      if (protectedPaths.contains(p)) {
        ctx.audit()
            .alarm(
                p,
                "kept: absent on source but a live ephemeral below it must stay (rule "
                    + d.rule()
                    + ")");
        continue;
      }
      allowed.add(d);
    }
    // deletes only on a definite NoNode: read the source again right before
    List<String> paths = new ArrayList<>(allowed.size());
    for (Decision d : allowed) {
      paths.add(d.action().path());
    }
    boolean[] exists = NodeReader.exist(ctx.source(), paths);
    List<Decision> confirmed = new ArrayList<>();
    for (int i = 0; i < exists.length; i++) {
      if (!exists[i]) {
        confirmed.add(allowed.get(i));
      } else {
        ctx.dirty().mark(paths.get(i));
      }
    }
    applyClaimed(confirmed, Map.of(), new Counts());
  }

  private static boolean underUnreadable(String path, Set<String> unreadable) {
    for (String p = path; !"/".equals(p); p = SyncScope.parent(p)) {
      if (unreadable.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** All records on T, as the paths they name. */
  private Set<String> listRecords() throws SideUnavailableException, InterruptedException {
    ZkSide side = ctx.recordSide();
    Reply r = ZkSide.await(side.getChildren(SyncScope.MIGRATION_ROOT, null), side.replyTimeout());
    if (r.isTransient()) {
      throw new SideUnavailableException("cannot list records: " + r.code());
    }
    if (r.code() == Code.NONODE) {
      return Set.of();
    }
    if (!r.ok()) {
      throw new SideUnavailableException("cannot list records: " + r.code());
    }
    Set<String> out = new HashSet<>(r.children().size() * 2);
    for (String name : r.children()) {
      try {
        out.add(RecordName.unescape(name));
      } catch (IllegalArgumentException e) {
        log.warn("ignoring record with a malformed name: {}", name);
      }
    }
    return out;
  }
}
