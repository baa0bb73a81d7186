package io.zk2zk.batch;

import io.zk2zk.config.Tuning;
import io.zk2zk.lifecycle.Lifecycle;
import io.zk2zk.lifecycle.NamedThreads;
import io.zk2zk.read.Trigger;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker threads: each takes a batch of dirty paths and syncs it. Owns its threads. */
public final class SyncWorkers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SyncWorkers.class);

  private final BatchSync batchSync;
  private final DirtyPaths dirty;
  private final Tuning tuning;
  private final List<ZkSide> sides;
  private final List<Thread> threads = new ArrayList<>();
  private final Lifecycle lifecycle = new Lifecycle();
  private final java.util.function.Consumer<Throwable> onFatal;

  /**
   * @param sides the sessions a batch uses, waited for after a batch failed
   * @param onFatal told when a worker dies of an {@link Error}
   */
  public SyncWorkers(
      BatchSync batchSync,
      DirtyPaths dirty,
      Tuning tuning,
      List<ZkSide> sides,
      java.util.function.Consumer<Throwable> onFatal) {
    this.batchSync = batchSync;
    this.dirty = dirty;
    this.tuning = tuning;
    this.sides = sides;
    this.onFatal = onFatal;
  }

  public void start() {
    if (!lifecycle.start()) {
      return;
    }
    for (int i = 0; i < tuning.workerNum(); i++) {
      threads.add(NamedThreads.start("zk2zk-worker-" + i, this::loop));
    }
  }

  private void loop() {
    int batchSize = tuning.workerBatch();
    while (lifecycle.isStarted()) {
      List<DirtyPaths.Entry> batch;
      try {
        batch = dirty.take(batchSize, Duration.ofMillis(500));
      } catch (InterruptedException e) {
        return;
      }
      if (batch.isEmpty()) {
        continue;
      }
      List<String> paths = new ArrayList<>(batch.size());
      Set<String> childrenChanged = new HashSet<>();
      for (DirtyPaths.Entry e : batch) {
        paths.add(e.path());
        if (e.childrenChanged()) {
          childrenChanged.add(e.path());
        }
      }
      boolean retry = false;
      try {
        batchSync.sync(paths, childrenChanged, Trigger.CHANGE);
      } catch (SideUnavailableException e) {
        log.debug("batch of {} paths postponed: {}", batch.size(), e.getMessage());
        retry = true;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("unexpected error syncing {} paths; they will be retried", batch.size(), e);
        retry = true;
      } catch (Error e) {
        log.error("fatal error in a worker; stopping", e);
        onFatal.accept(e);
        return;
      } finally {
        dirty.release(paths);
      }
      if (retry) {
        for (DirtyPaths.Entry e : batch) {
          dirty.mark(e.path(), e.childrenChanged());
        }
        try {
          awaitSides();
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void awaitSides() throws InterruptedException {
    Duration wait = Duration.ofSeconds(1);
    for (ZkSide side : sides) {
      side.awaitConnected(wait);
    }
    // a short pause so that a side that answers errors while connected is not hammered
    Thread.sleep(200);
  }

  /** Stops taking work; in-flight batches finish or are abandoned after a short wait. */
  @Override
  public void close() {
    if (!lifecycle.close()) {
      return;
    }
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
