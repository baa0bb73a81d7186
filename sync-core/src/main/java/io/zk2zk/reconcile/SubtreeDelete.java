package io.zk2zk.reconcile;

import io.zk2zk.apply.Outcome;
import io.zk2zk.apply.WriteOp;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.KeeperException.Code;

/**
 * Answers {@code NotEmpty}: deletes the descendants that the same rules would delete, deepest
 * first, then the node. A descendant the rules keep (an ephemeral on T, a node without a record)
 * keeps its whole chain of ancestors, and the kept node gets an {@code Alarm} line: the original
 * tool deleted live registrations here.
 */
final class SubtreeDelete {

  private final SyncContext ctx;

  SubtreeDelete(SyncContext ctx) {
    this.ctx = ctx;
  }

  /** Returns the outcome of deleting {@code top}, or {@code null} when it was kept (audited). */
  Outcome delete(Action.Delete top) throws InterruptedException, SideUnavailableException {
    // walk the target subtree level by level
    List<String> order = new ArrayList<>();
    Map<String, NodeState> targetStates = new HashMap<>();
    List<String> level = List.of(top.path());
    while (!level.isEmpty()) {
      List<NodeReader.Result> rs = NodeReader.read(ctx.target(), level, true, null);
      List<String> next = new ArrayList<>();
      for (NodeReader.Result r : rs) {
        if (r.state() == null || !r.state().exists()) {
          continue;
        }
        order.add(r.path());
        targetStates.put(r.path(), r.state());
        for (String c : r.state().children()) {
          next.add(SyncScope.child(r.path(), c));
        }
      }
      level = next;
    }
    if (order.isEmpty()) {
      return new Outcome(
          new WriteOp.Delete(top.path(), top.version()), Code.NONODE, true, "has deleted");
    }
    List<NodeReader.Result> src = NodeReader.read(ctx.source(), order, false, null);
    List<PathView> views = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      String p = order.get(i);
      NodeState s = src.get(i).state() == null ? null : src.get(i).state();
      if (s == null) {
        continue; // unreadable on the source: not evidence of absence, keep it
      }
      views.add(new PathView(p, s, targetStates.get(p), false));
    }
    views = new PathSync(ctx).withRecords(views);
    Map<String, Decision> decisions = new HashMap<>();
    for (PathView v : views) {
      decisions.put(v.path(), ctx.rules().decide(v));
    }
    // deepest first; a node is deletable when its rule deletes it and no descendant is kept
    Map<String, String> keptBecause = new HashMap<>();
    List<Action.Delete> deletable = new ArrayList<>();
    for (int i = order.size() - 1; i >= 0; i--) {
      String p = order.get(i);
      Decision d = decisions.get(p);
      if (!keptBecause.containsKey(p) && (d == null || !(d.action() instanceof Action.Delete))) {
        keptBecause.put(p, p);
      }
      if (keptBecause.containsKey(p)) {
        propagate(keptBecause, p, keptBecause.get(p));
      } else if (!p.equals(top.path())) {
        deletable.add((Action.Delete) d.action());
      }
    }
    List<WriteOp> ops = new ArrayList<>();
    for (Action.Delete d : deletable) {
      ops.add(new WriteOp.Delete(d.path(), d.version()));
    }
    List<Outcome> outs = ctx.targetWriter().apply(ops);
    List<WriteOp> records = new ArrayList<>();
    for (int i = 0; i < outs.size(); i++) {
      Outcome o = outs.get(i);
      Action.Delete d = deletable.get(i);
      ctx.audit()
          .write(
              d.withRecord()
                  ? AuditOperation.MigrateEventNodeDeleteWithRecord
                  : AuditOperation.EventNodeDeleted,
              o.success(),
              o.extra(),
              d.path());
      if (o.success() && d.withRecord()) {
        records.add(new WriteOp.Delete(SyncScope.recordPath(d.path()), -1));
      }
    }
    if (!records.isEmpty()) {
      ctx.recordWriter().apply(records);
    }
    String blocker = keptBecause.get(top.path());
    if (blocker != null && blocker.equals(top.path())) {
      ctx.dirty().mark(top.path()); // its own state changed since the delete was decided
      return null;
    }
    if (blocker != null) {
      ctx.audit()
          .alarm(
              top.path(),
              "kept: absent on source but "
                  + keptBecause.get(top.path())
                  + " below it must stay (live ephemeral or not ours)");
      return null;
    }
    return ctx.targetWriter().applyOne(new WriteOp.Delete(top.path(), top.version()));
  }

  private static void propagate(Map<String, String> keptBecause, String path, String because) {
    for (String p = SyncScope.parent(path); !"/".equals(p); p = SyncScope.parent(p)) {
      if (keptBecause.putIfAbsent(p, because) != null) {
        return;
      }
    }
  }
}
