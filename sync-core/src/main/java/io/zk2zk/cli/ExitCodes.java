package io.zk2zk.cli;

/** The exit codes of both executables (docs/cli-and-logs.md). */
public final class ExitCodes {
  /**
   * Clean stop after SIGINT/SIGTERM, help/version printed, or {@code verify} found no difference.
   */
  public static final int OK = 0;

  /** The daemon could not start, or {@code verify} could not read (address unreachable, ...). */
  public static final int CANNOT_START = 1;

  /** Unknown flag, missing required flag, malformed value. */
  public static final int USAGE = 2;

  /** {@code verify}: the two ensembles differ by the daemon's rules. */
  public static final int NOT_IN_SYNC = 3;

  /**
   * The source's per-node watches (ZooKeeper 3.4/3.5) do not fit the heap: restarting with the same
   * heap fails the same way (a service manager should not restart it; docs/runbook.md).
   */
  public static final int HEAP_TOO_SMALL = 4;

  private ExitCodes() {}
}
