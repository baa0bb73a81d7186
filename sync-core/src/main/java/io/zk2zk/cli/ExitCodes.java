package io.zk2zk.cli;

/** The exit codes of both executables (cli-and-logs.md). */
public final class ExitCodes {
  /** Clean stop after SIGINT/SIGTERM, or help/version printed. */
  public static final int OK = 0;

  /** The daemon could not start (address unreachable, same ensemble, ...). */
  public static final int CANNOT_START = 1;

  /** Unknown flag, missing required flag, malformed value. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
