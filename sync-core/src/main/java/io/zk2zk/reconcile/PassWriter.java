package io.zk2zk.reconcile;

import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The write stage of one full pass: each chunk's writes run on this pass's own thread while the
 * walk reads the next chunks, so that reading and writing overlap as in a plain copier. A chunk's
 * claim is held until its writes are done (no worker syncs a path whose write is still in flight),
 * and chunks are written in the order they were walked: one session applies requests in the order
 * sent, so a parent's create still precedes its children's. At most {@code depth} chunks wait, to
 * bound the reads held in memory.
 *
 * <p>A chunk that fails fails the pass, at the walk's next hand-over or at {@link #drain()}, and
 * the chunks queued behind it are not written (their parents may be missing). {@link #close()}
 * abandons the chunks that have not started (they only release their claims) and returns once the
 * thread has ended; it is idempotent.
 */
final class PassWriter implements AutoCloseable {

  /** One chunk's writes; returns the writes it decided. */
  @FunctionalInterface
  interface ChunkWrites {
    int run() throws SideUnavailableException, InterruptedException;
  }

  private final DirtyPaths dirty;
  private final Semaphore room;
  private final ExecutorService executor;
  private final Deque<Future<Integer>> pending = new ArrayDeque<>();
  private volatile Thread thread;
  private volatile boolean abandoned;
  private boolean closed;

  PassWriter(DirtyPaths dirty, int depth) {
    this.dirty = dirty;
    this.room = new Semaphore(depth);
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "zk2zk-reconcile-writer");
              t.setDaemon(true);
              thread = t;
              return t;
            });
  }

  /**
   * Queues a chunk's writes; the writer releases {@code claimed} when they are done or abandoned.
   * Blocks while {@code depth} chunks wait.
   *
   * @return the writes decided by the chunks that finished since the last call
   */
  long submit(Collection<String> claimed, ChunkWrites writes)
      throws SideUnavailableException, InterruptedException {
    try {
      room.acquire();
    } catch (InterruptedException e) {
      dirty.release(claimed);
      throw e;
    }
    Future<Integer> chunk;
    try {
      chunk =
          executor.submit(
              () -> {
                try {
                  return abandoned ? 0 : writes.run();
                } catch (Exception | Error e) {
                  abandoned = true; // the pass fails: the chunks behind this one are not written
                  throw e;
                } finally {
                  dirty.release(claimed);
                  room.release();
                }
              });
    } catch (RuntimeException e) {
      // not queued (no thread could be made): nothing else would give these back
      dirty.release(claimed);
      room.release();
      throw e;
    }
    pending.add(chunk);
    return collect(false);
  }

  /** Waits for every queued chunk; returns the writes they decided, or throws the first failure. */
  long drain() throws SideUnavailableException, InterruptedException {
    return collect(true);
  }

  private long collect(boolean all) throws SideUnavailableException, InterruptedException {
    long writes = 0;
    while (!pending.isEmpty() && (all || pending.peekFirst().isDone())) {
      writes += result(pending.pollFirst());
    }
    return writes;
  }

  private static int result(Future<Integer> f)
      throws SideUnavailableException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SideUnavailableException s) {
        throw s;
      }
      if (cause instanceof InterruptedException i) {
        throw i; // NotLeaderException too: the pipeline is stopping
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) cause;
    }
  }

  /** Stopping (an interrupt, lost leadership): the chunk being written is interrupted as well. */
  void abandonNow() {
    abandoned = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Abandons the chunks that have not started and waits for the thread to end; the running chunk
   * finishes unless {@link #abandonNow()} interrupted it (a failed walk says nothing about T).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    abandoned = true;
    // queued chunks still run, see "abandoned" and release their claims: none is dropped unrun
    executor.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (executor.awaitTermination(1, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        abandonNow(); // the owner waits for the thread it owns all the same
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
