package io.zk2zk.tsync;

import io.zk2zk.cli.Zk2zkCommandLine;
import io.zk2zk.config.DaemonKind;

/** The {@code t_sync} executable: copies T's ephemeral nodes back to S, behind records. */
public final class TSyncMain {
  private TSyncMain() {}

  public static void main(String[] args) {
    System.exit(Zk2zkCommandLine.run(DaemonKind.T_SYNC, args));
  }
}
