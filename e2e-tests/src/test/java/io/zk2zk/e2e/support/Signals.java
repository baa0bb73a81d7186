package io.zk2zk.e2e.support;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals that {@link Process} cannot: {@code SIGSTOP} and {@code SIGCONT}, to freeze a
 * daemon's JVM (its ZooKeeper sessions expire meanwhile) and to let it go on.
 */
public final class Signals {

  private Signals() {}

  /** {@code kill -STOP pid}: the process stops at once, every thread of it. */
  public static void stop(long pid) {
    send("-STOP", pid);
  }

  /** {@code kill -CONT pid}: a stopped process runs again. */
  public static void cont(long pid) {
    send("-CONT", pid);
  }

  private static void send(String signal, long pid) {
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            "kill "
                + signal
                + " "
                + pid
                + " failed: "
                + new String(kill.getInputStream().readAllBytes()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill " + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending " + signal + " to " + pid, e);
    }
  }
}
