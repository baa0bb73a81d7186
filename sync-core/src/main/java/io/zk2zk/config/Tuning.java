package io.zk2zk.config;

/**
 * The performance knobs, resolved (no "auto" left). See docs/tuning.md for what each controls.
 *
 * @param workerNum threads that sync dirty paths
 * @param workerBatch paths one worker syncs together (reads pipelined, writes in multi batches)
 * @param retryCount retries of one failed write before it is logged as {@code fail}
 * @param watchReadsInFlight in-flight reads per side for watch-driven syncs
 * @param reconcileBatch paths compared together in one step of a full reconcile
 * @param walkReadsInFlight in-flight reads per side when walking a tree
 * @param multiOps most operations in one {@code multi} write batch
 * @param multiBytes most bytes of data and paths in one {@code multi} write batch
 * @param multiInFlight {@code multi} batches in flight per side
 * @param maxRequestBytes the target's {@code jute.maxbuffer}: a write that cannot fit is reported
 *     as failed at once instead of being sent (a server drops the connection on it)
 */
public record Tuning(
    int workerNum,
    int workerBatch,
    int retryCount,
    int watchReadsInFlight,
    int reconcileBatch,
    int walkReadsInFlight,
    int multiOps,
    int multiBytes,
    int multiInFlight,
    int maxRequestBytes) {

  public static final int AUTO_WORKER_NUM = 8;
  public static final int AUTO_WORKER_BATCH = 500;
  public static final int AUTO_RETRY_COUNT = 5;
  public static final int AUTO_WATCH_READS = 500;
  public static final int AUTO_RECONCILE_BATCH = 2000;
  public static final int AUTO_WALK_READS = 500;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 0xfffff;

  /** Defaults for everything. */
  public static Tuning defaults() {
    return new Tuning(
        AUTO_WORKER_NUM,
        AUTO_WORKER_BATCH,
        AUTO_RETRY_COUNT,
        AUTO_WATCH_READS,
        AUTO_RECONCILE_BATCH,
        AUTO_WALK_READS,
        500,
        256 * 1024,
        16,
        DEFAULT_MAX_REQUEST_BYTES);
  }
}
