package io.zk2zk.apply;

import io.zk2zk.audit.AuditLog;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.decide.Action;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.PathView;
import io.zk2zk.decide.Provenance;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.records.MigrationRecords;
import io.zk2zk.records.OriginMarks;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.KeeperException.Code;

/**
 * Answers {@code NotEmpty}: deletes the descendants that the same rules would delete, deepest
 * first, then the node. A descendant the rules keep (an ephemeral on T, a node without a record)
 * keeps its whole chain of ancestors, and the kept node gets an {@code Alarm} line: the original
 * tool deleted live registrations here.
 */
public final class SubtreeDelete {

  private final ZkSide source;
  private final ZkSide target;
  private final SyncRules rules;
  private final MigrationRecords records;
  private final RecordWriter recordWriter;
  private final Applier targetWriter;
  private final DirtyPaths dirty;
  private final AuditLog audit;
  private final OriginMarks origins;

  public SubtreeDelete(
      ZkSide source,
      SyncRules rules,
      MigrationRecords records,
      RecordWriter recordWriter,
      Applier targetWriter,
      DirtyPaths dirty,
      AuditLog audit) {
    this.source = source;
    this.target = targetWriter.side();
    this.rules = rules;
    this.records = records;
    this.origins = new OriginMarks(records.side());
    this.recordWriter = recordWriter;
    this.targetWriter = targetWriter;
    this.dirty = dirty;
    this.audit = audit;
  }

  /**
   * Deletes {@code top} (read at {@code version}) with its subtree; returns the outcome of deleting
   * {@code top}, or {@code null} when it was kept (audited).
   */
  Outcome delete(String top, int version) throws InterruptedException, SideUnavailableException {
    // walk the target subtree level by level
    List<String> order = new ArrayList<>();
    Map<String, NodeState> targetStates = new HashMap<>();
    List<String> level = List.of(top);
    while (!level.isEmpty()) {
      List<NodeReader.Result> rs = NodeReader.read(target, level, true, null);
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
      return new Outcome(new WriteOp.Delete(top, version), Code.NONODE, true, "has deleted");
    }
    List<NodeReader.Result> src = NodeReader.read(source, order, false, null);
    List<PathView> views = new ArrayList<>();
    List<String> needRecord = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      String p = order.get(i);
      NodeState s = src.get(i).state();
      if (s == null) {
        continue; // unreadable on the source: not evidence of absence, keep it
      }
      views.add(new PathView(p, s, targetStates.get(p), false));
      if (rules.needsRecord(s, targetStates.get(p))) {
        needRecord.add(p);
      }
    }
    Set<String> recorded = records.recorded(needRecord, null);
    views.replaceAll(v -> recorded.contains(v.path()) ? v.withRecorded(true) : v);
    List<String> asked = new ArrayList<>();
    for (PathView v : views) {
      if (rules.needsProvenance(v.source(), v.target())) {
        asked.add(v.path());
      }
    }
    // a descendant a client created on T stays, and with it the chain above it (rule 33)
    Map<String, Provenance> provenance = origins.of(asked);
    Map<String, Decision> decisions = new HashMap<>();
    for (PathView v : views) {
      Provenance found = provenance.get(v.path());
      decisions.put(v.path(), rules.decide(found != null ? v.withProvenance(found) : v));
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
      } else if (!p.equals(top)) {
        deletable.add((Action.Delete) d.action());
      }
    }
    List<WriteOp> ops = new ArrayList<>();
    for (Action.Delete d : deletable) {
      ops.add(new WriteOp.Delete(d.path(), d.version()));
    }
    List<Outcome> outs = targetWriter.apply(ops);
    List<WriteOp> recordDeletes = new ArrayList<>();
    for (int i = 0; i < outs.size(); i++) {
      Outcome o = outs.get(i);
      Action.Delete d = deletable.get(i);
      audit.write(
          d.withRecord()
              ? AuditOperation.MigrateEventNodeDeleteWithRecord
              : AuditOperation.EventNodeDeleted,
          o.success(),
          o.extra(),
          d.path());
      if (o.success() && d.withRecord()) {
        recordDeletes.add(RecordWriter.delete(d.path()));
      }
    }
    if (!recordDeletes.isEmpty()) {
      recordWriter.write(recordDeletes);
    }
    String blocker = keptBecause.get(top);
    if (blocker != null && blocker.equals(top)) {
      dirty.mark(top); // its own state changed since the delete was decided
      return null;
    }
    if (blocker != null) {
      audit.alarm(
          top,
          "kept: absent on source but "
              + blocker
              + " below it must stay (live ephemeral or not ours)");
      return null;
    }
    return targetWriter.applyOne(new WriteOp.Delete(top, version));
  }

  private static void propagate(Map<String, String> keptBecause, String path, String because) {
    for (String p = SyncScope.parent(path); !"/".equals(p); p = SyncScope.parent(p)) {
      if (keptBecause.putIfAbsent(p, because) != null) {
        return;
      }
    }
  }
}
