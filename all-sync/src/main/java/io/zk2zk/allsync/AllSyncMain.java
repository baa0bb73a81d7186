package io.zk2zk.allsync;

import io.zk2zk.cli.Zk2zkCommandLine;
import io.zk2zk.config.DaemonKind;

/** The {@code all_sync} executable: copies the source ensemble S to the target T. */
public final class AllSyncMain {
  private AllSyncMain() {}

  public static void main(String[] args) {
    System.exit(Zk2zkCommandLine.run(DaemonKind.ALL_SYNC, args));
  }
}
