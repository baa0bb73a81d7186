package io.zk2zk.batch;

import io.zk2zk.apply.PlanExecutor;
import io.zk2zk.apply.SequenceCounters;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.decide.Decision;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.plan.WritePlan;
import io.zk2zk.read.BatchReader;
import io.zk2zk.read.BatchViews;
import io.zk2zk.read.Trigger;
import io.zk2zk.records.RecordListing;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of paths, the level-triggered way: read both sides now → decide by the rules → plan the
 * writes → execute the plan → audit. Workers run it for the paths watches marked, a full pass for
 * the paths its walk found different and for its deletions, each under the paths' claim.
 */
public final class BatchSync {

  private static final Logger log = LoggerFactory.getLogger(BatchSync.class);

  /** Names ending in ten digits look like sequential nodes, whose parent's counter matters. */
  private static final Pattern SEQUENTIAL = Pattern.compile(".*\\d{10}$");

  private final BatchReader reader;
  private final SyncRules rules;
  private final PlanExecutor executor;
  private final SequenceCounters counters;
  private final SyncScope scope;
  private final AuditLog audit;

  /**
   * @param counters all_sync: aligns the sequence counters of new sequential copies' parents (null
   *     for t_sync)
   */
  /** The read stage: the full pass asks it where T's nodes came from before it nominates. */
  public BatchReader reader() {
    return reader;
  }

  public BatchSync(
      BatchReader reader,
      SyncRules rules,
      PlanExecutor executor,
      SequenceCounters counters,
      SyncScope scope,
      AuditLog audit) {
    this.reader = reader;
    this.rules = rules;
    this.executor = executor;
    this.counters = counters;
    this.scope = scope;
    this.audit = audit;
  }

  /**
   * Syncs paths the caller has claimed, from reads made now.
   *
   * @param childrenChanged paths whose children may have changed (per-node watch mode)
   * @return the number of writes decided
   */
  public int sync(List<String> paths, Set<String> childrenChanged, Trigger trigger)
      throws SideUnavailableException, InterruptedException {
    return decideAndApply(reader.read(paths, childrenChanged, trigger), trigger);
  }

  /**
   * Syncs from reads a pass's walk made under the claim: one read per path on each side, in the
   * same order.
   */
  public int sync(List<NodeReader.Result> src, List<NodeReader.Result> tgt, RecordListing listing)
      throws SideUnavailableException, InterruptedException {
    return decideAndApply(reader.views(src, tgt, listing), Trigger.PASS);
  }

  /**
   * The script: decide, confirm, plan, execute, follow up; the monitor lines flushed at the end.
   */
  private int decideAndApply(BatchViews read, Trigger trigger)
      throws SideUnavailableException, InterruptedException {
    try {
      List<Decision> decisions =
          reader.confirmUnrecordedCopies(rules.decideAll(read.views()), read);
      WritePlan plan = WritePlan.of(decisions);
      List<String> created = executor.execute(plan);
      reader.done(read, trigger);
      if (trigger == Trigger.CHANGE) {
        alignSequenceCounters(created);
      }
      return plan.decidedWrites();
    } finally {
      audit.flush(); // the batch's monitor lines, in the file as the batch ends
    }
  }

  /** all_sync: a pass aligns every parent it walks; this is for watch-driven sequential copies. */
  private void alignSequenceCounters(List<String> created) throws InterruptedException {
    if (counters == null) {
      return;
    }
    Set<String> parents = new LinkedHashSet<>();
    for (String path : created) {
      String parent = SyncScope.parent(path);
      if (SEQUENTIAL.matcher(path).matches() && scope.contains(parent)) {
        parents.add(parent);
      }
    }
    try {
      counters.align(new ArrayList<>(parents));
    } catch (SideUnavailableException e) {
      log.debug("sequence counters not aligned now: {}; the next pass does", e.getMessage());
    }
  }
}
