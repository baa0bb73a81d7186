package io.zk2zk.apply;

import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the sequence counter of every synced parent on T at or above the one on S, so that a
 * sequential node a client creates on T sorts after every copied one (locks, queues and leader
 * elections keep working). No API sets the counter; each child create advances it by one, so the
 * counter is raised by creating and deleting a throwaway child, in {@code multi} batches built as
 * they are sent. One call raises a parent by at most {@link #MAX_PER_CALL}, so that a counter in
 * the millions neither fills the heap nor holds up a pass for long; the next pass goes on.
 */
public final class SequenceCounters {

  private static final Logger log = LoggerFactory.getLogger(SequenceCounters.class);

  /** Create/delete pairs sent per round: 4 multis of 500 operations. */
  private static final int PAIRS_PER_ROUND = 1000;

  /** About 30 s of work on a local server (200,000 increments took 6.3 s). */
  static final long MAX_PER_CALL = 1_000_000;

  private final ZkSide source;
  private final Applier targetWriter;
  private final String throwawayName = SyncScope.SEQUENCE_BUMP_PREFIX + UUID.randomUUID();

  public SequenceCounters(ZkSide source, Applier targetWriter) {
    this.source = source;
    this.targetWriter = targetWriter;
  }

  /** Raises T's counters by the given amounts ({@code path → increments}); parents exist on T. */
  public void raise(Map<String, Long> increments) throws InterruptedException {
    if (targetWriter.dryRun()) {
      for (Map.Entry<String, Long> e : increments.entrySet()) {
        log.info(
            "dry run: sequence counter of {} on target would be raised by {}",
            e.getKey(),
            e.getValue());
      }
      return;
    }
    for (Map.Entry<String, Long> e : increments.entrySet()) {
      String child = SyncScope.child(e.getKey(), throwawayName);
      long wanted = Math.min(e.getValue(), MAX_PER_CALL);
      long done = 0;
      while (done < wanted) {
        int pairs = (int) Math.min(PAIRS_PER_ROUND, wanted - done);
        List<WriteOp> ops = new ArrayList<>(pairs * 2);
        for (int i = 0; i < pairs; i++) {
          ops.add(new WriteOp.Create(child, new byte[0]));
          ops.add(new WriteOp.Delete(child, -1));
        }
        for (Outcome o : targetWriter.apply(ops)) {
          if (!o.success()) {
            log.warn(
                "sequence counter of {} on target: raise stopped after {} of {} ({}); the next"
                    + " pass goes on",
                e.getKey(),
                done,
                e.getValue(),
                o.code());
            return;
          }
        }
        done += pairs;
      }
      log.info(
          "sequence counter of {} on target raised by {}{}",
          e.getKey(),
          done,
          done < e.getValue() ? " of " + e.getValue() + "; the next pass goes on" : " to match S");
    }
  }

  /**
   * How much T's counter of a parent must rise: S's next suffix minus T's, less the children this
   * pass is about to copy (each copy advances T's counter by one).
   */
  public static long shortfall(
      NodeReader.Result source, NodeReader.Result target, int childrenToCopy) {
    long targetNext = target.state().exists() ? target.nextSequence() : 0;
    return Math.max(0, source.nextSequence() - targetNext - childrenToCopy);
  }

  /** Checks given parents on both sides now and raises T's counters where they are behind. */
  public void align(List<String> parents) throws InterruptedException, SideUnavailableException {
    if (parents.isEmpty()) {
      return;
    }
    // the stat of a plain read carries cversion and numChildren: no child lists needed
    List<NodeReader.Result> s = NodeReader.read(source, parents, false, null);
    List<NodeReader.Result> t = NodeReader.read(targetWriter.side(), parents, false, null);
    Map<String, Long> raise = new HashMap<>();
    for (int i = 0; i < parents.size(); i++) {
      NodeReader.Result onT = t.get(i);
      if (s.get(i).state() == null || onT.state() == null || !onT.state().isPersistent()) {
        continue;
      }
      long n = shortfall(s.get(i), onT, 0);
      if (n > 0) {
        raise.put(parents.get(i), n);
      }
    }
    raise(raise);
  }

  /**
   * A pass's chunk, read on both sides: T's counter of every synced parent in it brought at or
   * above S's, less the children about to be copied.
   */
  public void alignWalked(List<NodeReader.Result> src, List<NodeReader.Result> tgt, SyncScope scope)
      throws InterruptedException {
    Map<String, Long> raise = new HashMap<>();
    for (int i = 0; i < src.size(); i++) {
      NodeReader.Result s = src.get(i);
      NodeReader.Result t = tgt.get(i);
      if (s.state() == null
          || t.state() == null
          || !s.state().exists()
          || t.state().isEphemeral()
          || s.nextSequence() == 0
          || !scope.contains(s.path())) {
        continue;
      }
      long n = shortfall(s, t, missingOnTarget(s, t));
      if (n > 0) {
        raise.put(s.path(), n);
      }
    }
    raise(raise);
  }

  /** How many of the source's children the target lacks (all of them below a new copy). */
  private static int missingOnTarget(NodeReader.Result s, NodeReader.Result t) {
    List<String> onTarget = t.state().children();
    if (onTarget == null || onTarget.isEmpty()) {
      return s.state().children().size();
    }
    java.util.Set<String> missing = new java.util.HashSet<>(s.state().children());
    missing.removeAll(onTarget);
    return missing.size();
  }
}
