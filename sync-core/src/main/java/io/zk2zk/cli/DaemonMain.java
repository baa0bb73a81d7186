package io.zk2zk.cli;

import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.LogSetup;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.source.WatchHeapExceeded;
import io.zk2zk.zk.StartupException;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a daemon in this JVM until SIGINT or SIGTERM, then stops it cleanly and exits 0. Handling
 * the signals (instead of a shutdown hook) is what lets the exit code be 0.
 */
final class DaemonMain implements DaemonRunner {

  @Override
  public int run(SyncConfig config, PrintWriter err) throws InterruptedException {
    try {
      LogSetup.configure(config.logs());
    } catch (IllegalArgumentException e) {
      err.println(
          config.kind().commandName() + ": cannot start: log configuration: " + e.getMessage());
      err.flush();
      return ExitCodes.CANNOT_START;
    }
    Logger log = LoggerFactory.getLogger(DaemonMain.class);
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> stop.countDown());
    }
    java.util.concurrent.atomic.AtomicReference<Throwable> fatal =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (SyncDaemon daemon =
        new SyncDaemon(
            config,
            pass -> {},
            e -> {
              fatal.compareAndSet(null, e);
              stop.countDown();
            })) {
      try {
        daemon.start();
      } catch (StartupException e) {
        log.error("cannot start: {}", e.getMessage());
        err.println(config.kind().commandName() + ": cannot start: " + e.getMessage());
        err.flush();
        return ExitCodes.CANNOT_START;
      } catch (WatchHeapExceeded e) {
        log.error("cannot start: {}", e.getMessage());
        err.println(config.kind().commandName() + ": cannot start: " + e.getMessage());
        err.flush();
        return ExitCodes.HEAP_TOO_SMALL;
      }
      stop.await();
      if (fatal.get() instanceof WatchHeapExceeded e) {
        err.println(config.kind().commandName() + ": stopped: " + e.getMessage());
        err.flush();
        return ExitCodes.HEAP_TOO_SMALL;
      }
      if (fatal.get() != null) {
        err.println(config.kind().commandName() + ": stopped after a fatal error: " + fatal.get());
        err.flush();
        return ExitCodes.CANNOT_START;
      }
      log.info("signal received, stopping");
    }
    return ExitCodes.OK;
  }
}
