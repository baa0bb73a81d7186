package io.zk2zk.verify;

import java.time.Duration;

/**
 * How one {@code verify} run reads and reports.
 *
 * @param maxDiffs differences (and warnings) listed in the report; all are counted
 * @param rechecks how many times the differing paths are read again before they count
 * @param recheckInterval the wait before each re-check, for changes in flight to land
 * @param chunk paths read together in one step of the walk
 * @param copyAcl compare ACLs too, as a daemon started with {@code --copyAcl} does
 * @param recheckLimit differences kept for re-checking (memory stays bounded whatever their
 *     number); those beyond are counted as found, unconfirmed
 */
public record VerifyOptions(
    int maxDiffs,
    int rechecks,
    Duration recheckInterval,
    int chunk,
    boolean copyAcl,
    int recheckLimit) {

  /** Differences kept for re-checking by default. */
  public static final int RECHECK_LIMIT = 10_000;
}
