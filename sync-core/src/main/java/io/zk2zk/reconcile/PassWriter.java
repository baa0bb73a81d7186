package io.zk2zk.reconcile;

import io.zk2zk.lifecycle.Lifecycle;
import io.zk2zk.lifecycle.NamedThreads;
import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.SideUnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The write stage of one full pass: chunks' writes run on this pass's own threads while the walk
 * reads the next chunks, so that reading and writing overlap as in a plain copier. A chunk's claim
 * is held until its writes are done (no worker syncs a path whose write is still in flight).
 *
 * <p>Chunks of one level hold disjoint paths and may be written {@code writers} at a time: one
 * decides and sends while the other's batches travel, so that T never waits for this client between
 * two chunks. A chunk of a deeper level starts only when every chunk of the levels above has
 * finished: a parent's create is answered before its children's are sent. At most {@code depth}
 * chunks wait or run, to bound the reads held in memory.
 *
 * <p>A chunk that fails fails the pass, at the walk's next hand-over or at {@link #drain()}, and
 * the chunks that have not started are not written (their parents may be missing). {@link #close()}
 * abandons the chunks that have not started (they only release their claims) and returns once the
 * threads have ended; it is idempotent.
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
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean abandoned;
  private final Lifecycle lifecycle = new Lifecycle();
  // the walk's thread only: the level being submitted, its chunks, and the levels above it
  private int level = Integer.MIN_VALUE;
  private final List<CompletableFuture<Void>> levelChunks = new ArrayList<>();
  private CompletableFuture<Void> levelsAbove = CompletableFuture.completedFuture(null);

  /** One thread, chunks one after the other. */
  PassWriter(DirtyPaths dirty, int depth) {
    this(dirty, depth, 1);
  }

  PassWriter(DirtyPaths dirty, int depth, int writers) {
    this.dirty = dirty;
    this.room = new Semaphore(depth);
    ThreadFactory names =
        writers == 1
            ? NamedThreads.named("zk2zk-reconcile-writer")
            : NamedThreads.numbered("zk2zk-reconcile-writer");
    this.executor =
        Executors.newFixedThreadPool(
            writers,
            r -> {
              Thread t = names.newThread(r);
              threads.add(t);
              return t;
            });
    // a writer runs from construction (its pool is made above): the lifecycle guards the one close
    lifecycle.start();
  }

  /** A chunk of level 0: for callers whose chunks all are of one level, or written in order. */
  long submit(Collection<String> claimed, ChunkWrites writes)
      throws SideUnavailableException, InterruptedException {
    return submit(0, claimed, writes);
  }

  /**
   * Queues a chunk's writes; the writer releases {@code claimed} when they are done or abandoned.
   * Blocks while {@code depth} chunks wait or run. Levels are submitted in increasing order.
   *
   * @return the writes decided by the chunks that finished since the last call
   */
  long submit(int chunkLevel, Collection<String> claimed, ChunkWrites writes)
      throws SideUnavailableException, InterruptedException {
    try {
      room.acquire();
    } catch (InterruptedException e) {
      dirty.release(claimed);
      throw e;
    }
    if (chunkLevel != level) {
      levelChunks.add(levelsAbove);
      levelsAbove = CompletableFuture.allOf(levelChunks.toArray(CompletableFuture[]::new));
      levelChunks.clear();
      level = chunkLevel;
    }
    CompletableFuture<Void> mayStart = levelsAbove;
    CompletableFuture<Void> finished = new CompletableFuture<>();
    Future<Integer> chunk;
    try {
      chunk =
          executor.submit(
              () -> {
                try {
                  // earlier chunks left the queue first: the ones waited for run or are done
                  mayStart.get();
                  return abandoned ? 0 : writes.run();
                } catch (Exception | Error e) {
                  abandoned = true; // the pass fails: the chunks not started are not written
                  throw e;
                } finally {
                  dirty.release(claimed);
                  room.release();
                  finished.complete(null);
                }
              });
    } catch (RuntimeException e) {
      // not queued (no thread could be made): nothing else would give these back
      dirty.release(claimed);
      room.release();
      finished.complete(null);
      throw e;
    }
    levelChunks.add(finished);
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

  /** Stopping (an interrupt, lost leadership): the chunks being written are interrupted as well. */
  void abandonNow() {
    abandoned = true;
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  /**
   * Abandons the chunks that have not started and waits for the threads to end; the running chunks
   * finish unless {@link #abandonNow()} interrupted them (a failed walk says nothing about T).
   */
  @Override
  public void close() {
    if (!lifecycle.close()) {
      return;
    }
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
