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
 * @param passReadRate nodes a periodic pass reads on the source per second at most (0: no limit);
 *     the first pass and those after a reconnect run at full speed
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
    int maxRequestBytes,
    int passReadRate) {

  /** The knobs without a pace for periodic passes. */
  public Tuning(
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
    this(
        workerNum,
        workerBatch,
        retryCount,
        watchReadsInFlight,
        reconcileBatch,
        walkReadsInFlight,
        multiOps,
        multiBytes,
        multiInFlight,
        maxRequestBytes,
        DEFAULT_PASS_READ_RATE);
  }

  public static final int AUTO_WORKER_NUM = 8;
  public static final int AUTO_WORKER_BATCH = 500;
  public static final int AUTO_RETRY_COUNT = 5;
  public static final int AUTO_WATCH_READS = 500;
  public static final int AUTO_RECONCILE_BATCH = 2000;
  public static final int AUTO_WALK_READS = 500;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 0xfffff;

  /**
   * A periodic pass is a safety net: at 5,000 nodes a second a probe client's getData p99 on a
   * million-node source stayed near idle, where a pass at full speed multiplied it by about eight
   * (docs/performance.md); a million-node pass then takes about 200 s.
   */
  public static final int DEFAULT_PASS_READ_RATE = 5_000;

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
