package io.zk2zk.reconcile;

import io.zk2zk.apply.Outcome;
import io.zk2zk.apply.WriteOp;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sequence counter of every synced parent on T at or above the one on S, so that a
 * sequential node a client creates on T sorts after every copied one (locks, queues and leader
 * elections keep working). No API sets the counter; each child create advances it by one, so the
 * counter is raised by creating and deleting a throwaway child, in {@code multi} batches.
 */
final class SequenceCounters {

  private static final Logger log = LoggerFactory.getLogger(SequenceCounters.class);

  private final SyncContext ctx;
  private final String throwawayName = SyncScope.SEQUENCE_BUMP_PREFIX + UUID.randomUUID();

  SequenceCounters(SyncContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Raises T's counters by the given amounts ({@code path → increments}); the parents must exist on
   * T.
   */
  void raise(Map<String, Integer> increments) throws InterruptedException {
    for (Map.Entry<String, Integer> e : increments.entrySet()) {
      String child = SyncScope.child(e.getKey(), throwawayName);
      List<WriteOp> ops = new ArrayList<>(e.getValue() * 2);
      for (int i = 0; i < e.getValue(); i++) {
        ops.add(new WriteOp.Create(child, new byte[0]));
        ops.add(new WriteOp.Delete(child, -1));
      }
      int failed = 0;
      for (Outcome o : ctx.targetWriter().apply(ops)) {
        if (!o.success()) {
          failed++;
        }
      }
      if (failed == 0) {
        log.info(
            "sequence counter of {} on target raised by {} to match the source",
            e.getKey(),
            e.getValue());
      } else {
        log.warn(
            "sequence counter of {} on target: {} writes failed; next pass retries",
            e.getKey(),
            failed);
      }
    }
  }

  /**
   * How much T's counter of a parent must rise: S's next suffix minus T's, less the children this
   * pass is about to copy (each copy advances T's counter by one).
   */
  static int shortfall(NodeReader.Result source, NodeReader.Result target, int childrenToCopy) {
    int targetNext = target.state().exists() ? target.nextSequence() : 0;
    return Math.max(0, source.nextSequence() - targetNext - childrenToCopy);
  }

  /** Checks given parents on both sides now and raises T's counters where they are behind. */
  void align(List<String> parents) throws InterruptedException, SideUnavailableException {
    if (parents.isEmpty()) {
      return;
    }
    List<NodeReader.Result> s = NodeReader.read(ctx.source(), parents, true, null);
    List<NodeReader.Result> t = NodeReader.read(ctx.target(), parents, true, null);
    Map<String, Integer> raise = new java.util.HashMap<>();
    for (int i = 0; i < parents.size(); i++) {
      if (s.get(i).state() == null || t.get(i).state() == null || !t.get(i).state().exists()) {
        continue;
      }
      int n = shortfall(s.get(i), t.get(i), 0);
      if (n > 0) {
        raise.put(parents.get(i), n);
      }
    }
    raise(raise);
  }
}
