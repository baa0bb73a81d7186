package io.zk2zk.apply;

import io.zk2zk.audit.AuditLog;
import io.zk2zk.audit.AuditOperation;
import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.outcome.Request;
import io.zk2zk.outcome.Verdict;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException.Code;

/**
 * Answers a create that found its parent missing on the target: the missing ancestors are copied
 * from the source (persistent, with the source's data), then the node. t_sync relies on it for
 * parents a registry client created on T on the fly.
 */
public final class Ancestors {

  private final ZkSide source;
  private final ZkSide target;
  private final Applier targetWriter;
  private final CopyAcl copyAcl;
  private final DirtyPaths dirty;
  private final AuditLog audit;
  private final boolean withAcl;
  private final boolean withReceipts;

  /**
   * @param withReceipts all_sync: an ancestor with a sequential name is created with its receipt,
   *     as its own copy would be (rule 37)
   */
  public Ancestors(
      ZkSide source,
      Applier targetWriter,
      DirtyPaths dirty,
      AuditLog audit,
      boolean withAcl,
      CopyAcl copyAcl,
      boolean withReceipts) {
    this.withReceipts = withReceipts;
    this.copyAcl = copyAcl;
    this.source = source;
    this.target = targetWriter.side();
    this.targetWriter = targetWriter;
    this.dirty = dirty;
    this.audit = audit;
    this.withAcl = withAcl;
  }

  /** Creates the missing ancestors of {@code create}, audited, then it; returns its outcome. */
  Outcome createWith(WriteOp.Create create) throws InterruptedException {
    List<String> ancestors = new ArrayList<>();
    for (String p = SyncScope.parent(create.path()); !"/".equals(p); p = SyncScope.parent(p)) {
      ancestors.add(0, p);
    }
    try {
      NodeReader.Presence[] present = NodeReader.exist(target, ancestors);
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < ancestors.size(); i++) {
        if (present[i] == NodeReader.Presence.ABSENT) {
          missing.add(ancestors.get(i));
        }
      }
      List<WriteOp> ops = new ArrayList<>();
      for (NodeReader.Result r : NodeReader.read(source, missing, false, null, withAcl)) {
        if (r.state() == null || !r.state().exists()) {
          // the ancestor is gone on the source too: the node will follow; look again later
          dirty.mark(create.path());
          return new Outcome(create, Code.NONODE, false, "parent gone on source");
        }
        // an ancestor whose earlier node left a receipt is not created here (the create fails):
        // its own decision sets that receipt, and this create is tried again after it
        ops.add(
            new WriteOp.Create(
                r.path(),
                r.state().data(),
                copyAcl.of(r.state().acl()),
                withReceipts && r.state().isPersistent() && CopyReceipt.keptFor(r.path())
                    ? new WriteOp.Create.Companion(
                        SyncScope.receiptPath(r.path()), CopyReceipt.data(r.czxid()))
                    : null));
      }
      ops.add(create);
      List<Outcome> outs = targetWriter.apply(ops);
      for (int i = 0; i < outs.size() - 1; i++) {
        Outcome a = outs.get(i);
        audit.write(AuditOperation.EventNodeCreated, a.success(), a.extra(), a.op().path());
        if (a.verdict(Request.CREATE) == Verdict.ALREADY_DECIDE_AGAIN) {
          dirty.mark(a.op().path()); // there already (or its receipt was): decide it on its own
        }
      }
      return outs.get(outs.size() - 1);
    } catch (SideUnavailableException e) {
      return new Outcome(create, Code.CONNECTIONLOSS, false, Code.CONNECTIONLOSS.name());
    }
  }
}
