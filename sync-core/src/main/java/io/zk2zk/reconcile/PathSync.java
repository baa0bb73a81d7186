package io.zk2zk.reconcile;

import io.zk2zk.apply.Outcome;
import io.zk2zk.apply.WriteOp;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a batch of paths the level-triggered way: read each path on both sides now, decide by the
 * rules, apply the writes (creates parents first, deletes children first), audit every write. Used
 * by the workers for watch-driven changes and by the full reconcile for its walk.
 */
public final class PathSync {

  private static final Logger log = LoggerFactory.getLogger(PathSync.class);

  /** Names ending in ten digits look like sequential nodes, whose parent's counter matters. */
  private static final java.util.regex.Pattern SEQUENTIAL =
      java.util.regex.Pattern.compile(".*\\d{10}$");

  private final SyncContext ctx;
  private final SequenceCounters sequenceCounters;

  public PathSync(SyncContext ctx) {
    this.ctx = ctx;
    this.sequenceCounters = new SequenceCounters(ctx);
  }

  /** Syncs dirty paths claimed from {@link DirtyPaths}; the caller releases them. */
  public void syncDirty(List<DirtyPaths.Entry> batch)
      throws SideUnavailableException, InterruptedException {
    List<String> paths = new ArrayList<>(batch.size());
    Set<String> childrenChanged = new HashSet<>();
    for (DirtyPaths.Entry e : batch) {
      if (ctx.scope().contains(e.path()) || ("/".equals(e.path()) && e.childrenChanged())) {
        paths.add(e.path());
        if (e.childrenChanged()) {
          childrenChanged.add(e.path());
        }
      }
    }
    if (paths.isEmpty()) {
      return;
    }
    boolean perNode = ctx.perNodeWatches();
    List<NodeReader.Result> src =
        NodeReader.read(ctx.source(), paths, perNode, ctx.sourceWatcher());
    List<NodeReader.Result> tgt = readTargetWhereNeeded(src);
    if (perNode) {
      diffChildren(src, childrenChanged);
    }
    List<PathView> views = new ArrayList<>(paths.size());
    List<String> needRecord = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (!readable(s) || !readable(t) || !ctx.scope().contains(s.path())) {
        continue;
      }
      if (!ctx.rules().needsTarget(s.state())) {
        continue; // decided by the source alone, and the decision is to do nothing
      }
      views.add(new PathView(s.path(), s.state(), t.state(), false));
      if (s.state().exists() != t.state().exists()) {
        needRecord.add(s.path());
      }
    }
    views = withRecords(views, needRecord);
    List<Decision> decisions = new ArrayList<>(views.size());
    for (PathView v : views) {
      decisions.add(ctx.rules().decide(v));
    }
    Map<String, NodeState> sourceStates = new HashMap<>();
    for (NodeReader.Result s : src) {
      if (s.state() != null) {
        sourceStates.put(s.path(), s.state());
      }
    }
    apply(decisions, sourceStates, true);
  }

  /**
   * Reads the target for the paths whose rule depends on it; the others get a placeholder that no
   * rule looks at. (t_sync sees an event for every copy all_sync writes to T.)
   */
  private List<NodeReader.Result> readTargetWhereNeeded(List<NodeReader.Result> src)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>(src.size());
    for (NodeReader.Result s : src) {
      if (s.state() != null && ctx.rules().needsTarget(s.state())) {
        wanted.add(s.path());
      }
    }
    List<NodeReader.Result> read = NodeReader.read(ctx.target(), wanted, false, null);
    if (read.size() == src.size()) {
      return read;
    }
    Map<String, NodeReader.Result> byPath = new HashMap<>();
    for (NodeReader.Result r : read) {
      byPath.put(r.path(), r);
    }
    List<NodeReader.Result> out = new ArrayList<>(src.size());
    for (NodeReader.Result s : src) {
      out.add(
          byPath.getOrDefault(s.path(), new NodeReader.Result(s.path(), NodeState.ABSENT, null)));
    }
    return out;
  }

  private boolean readable(NodeReader.Result r) {
    if (r.error() == null) {
      return true;
    }
    // e.g. NOAUTH: skip this node, say so, keep syncing the rest; the next pass retries
    ctx.audit().alarm(r.path(), "cannot read: " + r.error().name());
    return false;
  }

  /** Per-node watch mode: a children change marks every child that differs between the sides. */
  private void diffChildren(List<NodeReader.Result> src, Set<String> childrenChanged)
      throws SideUnavailableException, InterruptedException {
    List<String> parents = new ArrayList<>();
    for (NodeReader.Result s : src) {
      if (childrenChanged.contains(s.path()) && s.state() != null) {
        parents.add(s.path());
      }
    }
    if (parents.isEmpty()) {
      return;
    }
    List<NodeReader.Result> tgt = NodeReader.read(ctx.target(), parents, true, null);
    Map<String, List<String>> sourceChildren = new HashMap<>();
    for (NodeReader.Result s : src) {
      if (s.state() != null && s.state().children() != null) {
        sourceChildren.put(s.path(), s.state().children());
      }
    }
    for (NodeReader.Result t : tgt) {
      Set<String> a = new HashSet<>(sourceChildren.getOrDefault(t.path(), List.of()));
      Set<String> b =
          new HashSet<>(
              t.state() != null && t.state().children() != null ? t.state().children() : List.of());
      Set<String> differ = new HashSet<>(a);
      differ.addAll(b);
      Set<String> both = new HashSet<>(a);
      both.retainAll(b);
      differ.removeAll(both);
      for (String name : differ) {
        String child = SyncScope.child(t.path(), name);
        if (ctx.scope().walks(child)) {
          ctx.dirty().mark(child);
        }
      }
    }
  }

  /** Fills in whether a record names each view's path, reading the record side. */
  List<PathView> withRecords(List<PathView> views, List<String> needRecord)
      throws SideUnavailableException, InterruptedException {
    if (needRecord.isEmpty()) {
      return views;
    }
    List<String> recordPaths = new ArrayList<>(needRecord.size());
    for (String p : needRecord) {
      recordPaths.add(SyncScope.recordPath(p));
    }
    boolean[] exists = NodeReader.exist(ctx.recordSide(), recordPaths);
    Set<String> recorded = new HashSet<>();
    for (int i = 0; i < exists.length; i++) {
      if (exists[i]) {
        recorded.add(needRecord.get(i));
      }
    }
    List<PathView> out = new ArrayList<>(views.size());
    for (PathView v : views) {
      out.add(
          recorded.contains(v.path()) ? new PathView(v.path(), v.source(), v.target(), true) : v);
    }
    return out;
  }

  /**
   * Applies decisions. Records are written before the copies they name and deleted after; creates
   * go parents first, deletes children first. With {@code watchDriven} (not a reconcile pass), the
   * source children of a node just created are marked, so that children created together with their
   * parent are not missed.
   *
   * @return the number of writes made or attempted
   */
  public int apply(
      List<Decision> decisions, Map<String, NodeState> sourceStates, boolean watchDriven)
      throws InterruptedException, SideUnavailableException {
    List<Action.Create> creates = new ArrayList<>();
    List<Action.SetData> updates = new ArrayList<>();
    List<Action.Delete> deletes = new ArrayList<>();
    List<Action.DropRecord> drops = new ArrayList<>();
    for (Decision d : decisions) {
      Action a = d.action();
      if (a instanceof Action.Create c) {
        creates.add(c);
      } else if (a instanceof Action.SetData s) {
        updates.add(s);
      } else if (a instanceof Action.Delete del) {
        deletes.add(del);
      } else if (a instanceof Action.DropRecord r) {
        drops.add(r);
      } else if (a instanceof Action.Alarm al) {
        ctx.audit().alarm(al.path(), al.reason() + " (rule " + d.rule() + ")");
      }
    }
    int writes = creates.size() + updates.size() + deletes.size() + drops.size();
    applyCreatesAndUpdates(creates, updates, sourceStates, watchDriven);
    applyDeletes(deletes);
    if (!drops.isEmpty()) {
      List<WriteOp> ops = new ArrayList<>();
      for (Action.DropRecord r : drops) {
        ops.add(new WriteOp.Delete(SyncScope.recordPath(r.path()), -1));
      }
      for (Outcome o : ctx.recordWriter().apply(ops)) {
        log.info("stale record {}: {}", o.op().path(), o.success() ? "removed" : o.code());
      }
    }
    return writes;
  }

  private void applyCreatesAndUpdates(
      List<Action.Create> creates,
      List<Action.SetData> updates,
      Map<String, NodeState> sourceStates,
      boolean watchDriven)
      throws InterruptedException {
    if (creates.isEmpty() && updates.isEmpty()) {
      return;
    }
    creates.sort(Comparator.comparingInt(c -> SyncScope.depth(c.path())));
    // t_sync: the record first, so that all_sync never mistakes the copy for source data
    List<Action.Create> recorded = new ArrayList<>();
    for (Action.Create c : creates) {
      if (c.withRecord()) {
        recorded.add(c);
      }
    }
    Set<String> recordFailed = new HashSet<>();
    if (!recorded.isEmpty()) {
      List<WriteOp> ops = new ArrayList<>();
      for (Action.Create c : recorded) {
        ops.add(new WriteOp.Create(SyncScope.recordPath(c.path()), new byte[0]));
      }
      List<Outcome> outs = ctx.recordWriter().apply(ops);
      for (int i = 0; i < outs.size(); i++) {
        if (!outs.get(i).success()) {
          String p = recorded.get(i).path();
          recordFailed.add(p);
          ctx.audit()
              .write(AuditOperation.EventNodeCreated, false, "record " + outs.get(i).extra(), p);
        }
      }
    }
    List<WriteOp> ops = new ArrayList<>(creates.size() + updates.size());
    for (Action.Create c : creates) {
      if (!recordFailed.contains(c.path())) {
        ops.add(new WriteOp.Create(c.path(), c.data()));
      }
    }
    for (Action.SetData s : updates) {
      ops.add(new WriteOp.SetData(s.path(), s.data()));
    }
    List<Outcome> outs = ctx.targetWriter().apply(ops);
    Set<String> sequentialParents = new HashSet<>();
    for (Outcome o : outs) {
      Outcome result = o;
      if (o.op() instanceof WriteOp.Create c && !o.success() && o.code() == Code.NONODE) {
        result = createWithAncestors(c);
      }
      if (o.op() instanceof WriteOp.SetData && !o.success() && o.code() == Code.NONODE) {
        // the target node vanished after we read it: look at the path again
        ctx.dirty().mark(o.op().path());
        continue;
      }
      ctx.audit()
          .write(
              o.op() instanceof WriteOp.Create
                  ? AuditOperation.EventNodeCreated
                  : AuditOperation.EventNodeDataChanged,
              result.success(),
              result.extra(),
              o.op().path());
      if (o.op() instanceof WriteOp.Create
          && result.success()
          && SEQUENTIAL.matcher(o.op().path()).matches()) {
        sequentialParents.add(SyncScope.parent(o.op().path()));
      }
      if (watchDriven && o.op() instanceof WriteOp.Create && result.success()) {
        NodeState s = sourceStates.get(o.op().path());
        if (s != null && s.children() != null) {
          for (String name : s.children()) {
            String child = SyncScope.child(o.op().path(), name);
            if (ctx.scope().walks(child)) {
              ctx.dirty().mark(child);
            }
          }
        }
      }
    }
    // a reconcile pass aligns every parent it walks itself; this is for watch-driven copies
    if (watchDriven && ctx.config().kind() == io.zk2zk.config.DaemonKind.ALL_SYNC) {
      sequentialParents.removeIf(p -> !ctx.scope().contains(p));
      try {
        sequenceCounters.align(new ArrayList<>(sequentialParents));
      } catch (SideUnavailableException e) {
        log.debug("sequence counters not aligned now: {}; the next pass does", e.getMessage());
      }
    }
  }

  /**
   * Creates the missing ancestors of a node on the target (as persistent nodes with the source's
   * data for each), then the node. Registries create parents on the fly, so a child can be seen
   * before its parent has been copied.
   */
  private Outcome createWithAncestors(WriteOp.Create create) throws InterruptedException {
    List<String> ancestors = new ArrayList<>();
    for (String p = SyncScope.parent(create.path()); !"/".equals(p); p = SyncScope.parent(p)) {
      ancestors.add(0, p);
    }
    try {
      boolean[] present = NodeReader.exist(ctx.target(), ancestors);
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < ancestors.size(); i++) {
        if (!present[i]) {
          missing.add(ancestors.get(i));
        }
      }
      List<NodeReader.Result> src = NodeReader.read(ctx.source(), missing, false, null);
      List<WriteOp> ops = new ArrayList<>();
      for (NodeReader.Result r : src) {
        if (r.state() == null || !r.state().exists()) {
          // the ancestor is gone on the source too: the node will follow; look again later
          ctx.dirty().mark(create.path());
          return new Outcome(create, Code.NONODE, false, "parent gone on source");
        }
        ops.add(new WriteOp.Create(r.path(), r.state().data()));
      }
      ops.add(create);
      List<Outcome> outs = ctx.targetWriter().apply(ops);
      for (int i = 0; i < outs.size() - 1; i++) {
        Outcome a = outs.get(i);
        ctx.audit().write(AuditOperation.EventNodeCreated, a.success(), a.extra(), a.op().path());
      }
      return outs.get(outs.size() - 1);
    } catch (SideUnavailableException e) {
      return new Outcome(create, Code.CONNECTIONLOSS, false, Code.CONNECTIONLOSS.name());
    }
  }

  private void applyDeletes(List<Action.Delete> deletes)
      throws InterruptedException, SideUnavailableException {
    if (deletes.isEmpty()) {
      return;
    }
    deletes.sort(
        Comparator.comparingInt((Action.Delete d) -> SyncScope.depth(d.path())).reversed());
    List<WriteOp> ops = new ArrayList<>(deletes.size());
    for (Action.Delete d : deletes) {
      ops.add(new WriteOp.Delete(d.path(), d.version()));
    }
    List<Outcome> outs = ctx.targetWriter().apply(ops);
    List<String> recordsToDrop = new ArrayList<>();
    for (int i = 0; i < outs.size(); i++) {
      Outcome o = outs.get(i);
      Action.Delete d = deletes.get(i);
      AuditOperation op =
          d.withRecord()
              ? AuditOperation.MigrateEventNodeDeleteWithRecord
              : AuditOperation.EventNodeDeleted;
      if (!o.success() && o.code() == Code.NOTEMPTY) {
        o = new SubtreeDelete(ctx).delete(d);
      } else if (!o.success() && o.code() == Code.BADVERSION) {
        // changed since it was read: decide again from fresh reads
        ctx.dirty().mark(d.path());
        continue;
      }
      if (o == null) {
        continue; // kept, and the reason was audited
      }
      ctx.audit().write(op, o.success(), o.extra(), d.path());
      if (o.success() && d.withRecord()) {
        recordsToDrop.add(d.path());
      }
    }
    if (!recordsToDrop.isEmpty()) {
      List<WriteOp> ops2 = new ArrayList<>();
      for (String p : recordsToDrop) {
        ops2.add(new WriteOp.Delete(SyncScope.recordPath(p), -1));
      }
      List<Outcome> r = ctx.recordWriter().apply(ops2);
      for (Outcome o : r) {
        if (!o.success()) {
          log.warn("record {} not deleted: {}", o.op().path(), o.code());
        }
      }
    }
  }
}
