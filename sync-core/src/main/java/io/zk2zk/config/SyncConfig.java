package io.zk2zk.config;

import java.time.Duration;

/**
 * Everything one daemon needs, built from its command line.
 *
 * @param kind all_sync or t_sync
 * @param sourceConnect connect string of this daemon's source (S for all_sync, T for t_sync)
 * @param targetConnect connect string of this daemon's target
 * @param sourceSession session timeout towards the source
 * @param targetSession session timeout towards the target
 * @param path root of the synced subtree
 * @param reconcileInterval pause between two full reconcile passes
 * @param startTimeout how long to wait for each ensemble at start before giving up
 * @param massDeletePercent a reconcile pass that would delete more than this share of the nodes it
 *     manages deletes nothing (100 disables the guard)
 * @param massDeleteMinimum the guard applies only from this many deletions on
 * @param watchMode how changes on the source are detected
 * @param sourceSecurity credentials and client configuration for the source
 * @param targetSecurity credentials and client configuration for the target
 * @param copyAcl copy each node's ACL instead of creating copies with an open ACL
 * @param tuning performance knobs
 * @param logs log destinations
 * @param run dry run, high availability and metrics
 */
public record SyncConfig(
    DaemonKind kind,
    String sourceConnect,
    String targetConnect,
    Duration sourceSession,
    Duration targetSession,
    String path,
    Duration reconcileInterval,
    Duration startTimeout,
    int massDeletePercent,
    int massDeleteMinimum,
    WatchMode watchMode,
    SideSecurity sourceSecurity,
    SideSecurity targetSecurity,
    boolean copyAcl,
    Tuning tuning,
    LogSettings logs,
    RunOptions run) {

  /** This configuration with other run options. */
  public SyncConfig withRun(RunOptions other) {
    return new SyncConfig(
        kind,
        sourceConnect,
        targetConnect,
        sourceSession,
        targetSession,
        path,
        reconcileInterval,
        startTimeout,
        massDeletePercent,
        massDeleteMinimum,
        watchMode,
        sourceSecurity,
        targetSecurity,
        copyAcl,
        tuning,
        logs,
        other);
  }
}
