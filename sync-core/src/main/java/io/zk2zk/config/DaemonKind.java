package io.zk2zk.config;

import io.zk2zk.decide.AllSyncRules;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.TSyncRules;

/**
 * Which of the two daemons runs, and every choice that differs between them: its name, its rules,
 * which side holds the records, whether it walks the target; its default log paths.
 */
public enum DaemonKind {
  ALL_SYNC(
      "all_sync", "start and synchronize nodes from source to target", new AllSyncRules(), true),
  T_SYNC(
      "t_sync",
      "start and synchronize ephemeral nodes from target back to source",
      new TSyncRules(),
      false);

  private final String commandName;
  private final String description;
  private final SyncRules rules;
  private final boolean copiesWholeTree;

  DaemonKind(String commandName, String description, SyncRules rules, boolean copiesWholeTree) {
    this.commandName = commandName;
    this.description = description;
    this.rules = rules;
    this.copiesWholeTree = copiesWholeTree;
  }

  /** This daemon's rule table (pure). */
  public SyncRules rules() {
    return rules;
  }

  /**
   * all_sync: every path's rule looks at the target (its extra nodes are deletions), so both sides
   * of every path are read at once and a pass walks both trees. t_sync walks its source (T) and
   * reads its target (S) only where T holds an ephemeral or a record names the path.
   */
  public boolean walksTarget() {
    return copiesWholeTree;
  }

  /**
   * Whether {@code /zk2zk_migration} is on this daemon's target: the records always live on the
   * global T, all_sync's target and t_sync's source.
   */
  public boolean recordsOnTarget() {
    return copiesWholeTree;
  }

  /**
   * Whether this daemon removes records whose names decode to no valid path: t_sync owns the
   * records; all_sync only reads them and ignores such names.
   */
  public boolean ownsRecords() {
    return !copiesWholeTree;
  }

  /**
   * all_sync keeps T's sequence counters at or above S's; t_sync copies ephemerals only, whose
   * parents' counters are the clients' own.
   */
  public boolean alignsSequenceCounters() {
    return copiesWholeTree;
  }

  /**
   * all_sync marks every node it creates on T as a copy from S ({@link
   * io.zk2zk.decide.OriginMark}); t_sync's copies on S are named by their records instead.
   */
  public boolean marksCopies() {
    return copiesWholeTree;
  }

  public String commandName() {
    return commandName;
  }

  public String description() {
    return description;
  }

  public String defaultLogPath() {
    return "./runtime/" + commandName + ".log";
  }

  public String defaultMonitorLogPath() {
    return "./monitor/" + commandName + ".log";
  }
}
