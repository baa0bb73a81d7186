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

  private ExitCodes() {}
}
