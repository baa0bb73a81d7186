package io.zk2zk.reconcile;

import io.zk2zk.lifecycle.Lifecycle;
import io.zk2zk.lifecycle.NamedThreads;
import io.zk2zk.source.WatchHeapExceeded;
import io.zk2zk.zk.SideUnavailableException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs full reconcile passes: one at start, one every interval after the previous one ended, and
 * one as soon as possible after anything that may have hidden changes (a reconnect, a new session,
 * a re-established watch). Requests that arrive during a pass cause exactly one more pass.
 */
public final class ReconcileLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final FullReconcile reconcile;
  private final Duration interval;
  private final Consumer<PassResult> onPass;
  private final BooleanSupplier sidesConnected;
  private final Consumer<Throwable> onFatal;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Lifecycle lifecycle = new Lifecycle();
  private boolean requested = true;
  private String reason = "start";
  private Thread thread;

  /**
   * @param sidesConnected true when every session the pass uses is connected
   * @param onFatal told when the loop dies of an {@link Error}
   */
  public ReconcileLoop(
      FullReconcile reconcile,
      Duration interval,
      Consumer<PassResult> onPass,
      BooleanSupplier sidesConnected,
      Consumer<Throwable> onFatal) {
    this.reconcile = reconcile;
    this.onFatal = onFatal;
    this.sidesConnected = sidesConnected;
    this.interval = interval;
    this.onPass = onPass;
  }

  public void start() {
    if (lifecycle.start()) {
      thread = NamedThreads.start("zk2zk-reconcile", this::loop);
    }
  }

  /** Asks for a pass as soon as possible. Safe to call from any thread; never blocks long. */
  public void request(String why) {
    lock.lock();
    try {
      if (!requested) {
        reason = why;
      }
      requested = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    Duration backoff = Duration.ofSeconds(1);
    boolean failing = false;
    while (lifecycle.isStarted()) {
      String why;
      try {
        why = awaitTurn();
      } catch (InterruptedException e) {
        return;
      }
      boolean periodic = why == null;
      log.info(
          "reconcile pass starting ({})", periodic ? "every " + interval.toSeconds() + " s" : why);
      try {
        PassResult r = reconcile.run(periodic);
        onPass.accept(r);
        if (failing) {
          log.info("reconcile passes complete again");
        }
        failing = false;
        backoff = Duration.ofSeconds(1);
      } catch (SideUnavailableException e) {
        // an outage: say so once, then wait quietly for both sessions and try again
        if (!failing) {
          log.warn(
              "reconcile pass cut short, nothing deleted: {}; it runs again once both sides answer",
              e.getMessage());
        } else {
          log.debug("reconcile pass cut short again: {}", e.getMessage());
        }
        failing = true;
        if (!awaitSides() || !sleepOrStop(backoff)) {
          return;
        }
        backoff = min(backoff.multipliedBy(2), Duration.ofSeconds(30));
        request("retry after an incomplete pass");
      } catch (InterruptedException e) {
        return;
      } catch (WatchHeapExceeded e) {
        // no pass can complete in this heap: say what to give it, once, and stop
        log.error("stopping: {}", e.getMessage());
        onFatal.accept(e);
        return;
      } catch (RuntimeException e) {
        log.error("reconcile pass failed; nothing deleted; retrying next pass", e);
      } catch (Error e) {
        // e.g. OutOfMemoryError: a daemon without reconcile passes must not run on quietly
        log.error("fatal error in the reconcile thread; stopping", e);
        onFatal.accept(e);
        return;
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private boolean awaitSides() {
    while (lifecycle.isStarted()) {
      try {
        if (sidesConnected.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        return true;
      }
      if (!sleepOrStop(Duration.ofMillis(500))) {
        return false;
      }
    }
    return false;
  }

  private String awaitTurn() throws InterruptedException {
    lock.lock();
    try {
      long nanos = interval.toNanos();
      while (!requested && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      String why = requested ? reason : null; // null: its interval came round
      requested = false;
      reason = null;
      return why;
    } finally {
      lock.unlock();
    }
  }

  private boolean sleepOrStop(Duration d) {
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (lifecycle.isStarted() && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      return lifecycle.isStarted();
    } catch (InterruptedException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (lifecycle.close() && thread != null) {
      thread.interrupt();
      try {
        thread.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
