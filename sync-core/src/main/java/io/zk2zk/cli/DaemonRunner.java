package io.zk2zk.cli;

import io.zk2zk.config.SyncConfig;

/** Runs a daemon from a parsed configuration until it is told to stop; returns the exit code. */
@FunctionalInterface
public interface DaemonRunner {
  int run(SyncConfig config, java.io.PrintWriter err) throws InterruptedException;
}
