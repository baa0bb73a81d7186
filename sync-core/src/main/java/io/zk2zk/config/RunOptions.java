package io.zk2zk.config;

import java.time.Duration;

/**
 * How a daemon runs besides what it syncs: dry run, high availability, metrics.
 *
 * @param dryRun decide and audit every write ({@code [dry-run]} in EXTRA) but send none
 * @param highAvailability run only while elected leader among the instances of this daemon (a
 *     Curator leader election on T under {@code /zk2zk_ha})
 * @param metricsPort port of the Prometheus metrics and health endpoint; 0 when off
 * @param haSession session timeout of the election's own session on T: how long a dead leader keeps
 *     the lead before a standby takes over
 */
public record RunOptions(
    boolean dryRun, boolean highAvailability, int metricsPort, Duration haSession) {

  /** Default of {@code --haSession}: the shortest session a server with tickTime 2 s grants. */
  public static final Duration DEFAULT_HA_SESSION = Duration.ofSeconds(4);

  /** A plain daemon: writes, no election, no metrics endpoint. */
  public static final RunOptions DEFAULT = new RunOptions(false, false, 0);

  /** With the default election session. */
  public RunOptions(boolean dryRun, boolean highAvailability, int metricsPort) {
    this(dryRun, highAvailability, metricsPort, DEFAULT_HA_SESSION);
  }
}
