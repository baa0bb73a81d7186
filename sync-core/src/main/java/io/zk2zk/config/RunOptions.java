package io.zk2zk.config;

/**
 * How a daemon runs besides what it syncs: dry run, high availability, metrics.
 *
 * @param dryRun decide and audit every write ({@code [dry-run]} in EXTRA) but send none
 * @param highAvailability run only while elected leader among the instances of this daemon (a
 *     Curator leader election on T under {@code /zk2zk_ha})
 * @param metricsPort port of the Prometheus metrics and health endpoint; 0 when off
 */
public record RunOptions(boolean dryRun, boolean highAvailability, int metricsPort) {

  /** A plain daemon: writes, no election, no metrics endpoint. */
  public static final RunOptions DEFAULT = new RunOptions(false, false, 0);
}
