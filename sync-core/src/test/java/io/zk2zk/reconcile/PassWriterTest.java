package io.zk2zk.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zk2zk.source.DirtyPaths;
import io.zk2zk.zk.SideUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pass's write stage: a chunk's claim lasts until its writes are done, chunks are written in
 * walk order on the pass's own threads (siblings two at a time, a level after the level above), a
 * failure reaches the walk, and no claim outlives the pass. (A broken writer would rather hang than
 * fail: every test has a deadline.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PassWriterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final DirtyPaths dirty = new DirtyPaths();

  @Test
  void aChunksClaimIsHeldUntilItsWritesAreDone() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    try (PassWriter writer = new PassWriter(dirty, 2)) {
      try {
        writer.submit(
            dirty.tryClaim(List.of("/a", "/b")),
            () -> {
              writing.countDown();
              mayFinish.await();
              return 2;
            });
        assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
        // a worker cannot take the paths while their writes are in flight
        assertThat(dirty.tryClaim(List.of("/a"))).isEmpty();
      } finally {
        mayFinish.countDown();
      }
      assertThat(writer.drain()).isEqualTo(2);
      assertThat(dirty.tryClaim(List.of("/a", "/b"))).containsExactlyInAnyOrder("/a", "/b");
    }
  }

  @Test
  void chunksAreWrittenOneAfterTheOtherInWalkOrderOnOneNamedThread() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CountDownLatch firstMayFinish = new CountDownLatch(1);
    long changed = 0;
    try (PassWriter writer = new PassWriter(dirty, 4)) {
      try {
        for (String p : List.of("/a", "/a/b", "/a/b/c", "/a/b/c/d")) {
          changed +=
              writer.submit(
                  dirty.tryClaim(List.of(p)),
                  () -> {
                    threads.add(Thread.currentThread());
                    if (p.equals("/a")) {
                      // the parent's writes are slow: no child's may overtake them
                      firstMayFinish.await();
                    }
                    order.add(p);
                    return 1;
                  });
        }
      } finally {
        firstMayFinish.countDown();
      }
      changed += writer.drain();
    }
    assertThat(changed).isEqualTo(4);
    assertThat(order).containsExactly("/a", "/a/b", "/a/b/c", "/a/b/c/d");
    assertThat(Set.copyOf(threads)).hasSize(1);
    assertThat(threads.get(0).getName()).isEqualTo("zk2zk-reconcile-writer");
  }

  @Test
  void chunksOfOneLevelAreWrittenTwoAtATimeAndTheNextLevelWaitsForAllOfThem() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    CountDownLatch firstMayFinish = new CountDownLatch(1);
    long changed = 0;
    try (PassWriter writer = new PassWriter(dirty, 4, 2)) {
      try {
        changed +=
            writer.submit(
                0,
                dirty.tryClaim(List.of("/a")),
                () -> {
                  threads.add(Thread.currentThread());
                  firstStarted.countDown();
                  firstMayFinish.await();
                  events.add("/a done");
                  return 1;
                });
        assertThat(firstStarted.await(20, TimeUnit.SECONDS)).isTrue();
        changed +=
            writer.submit(
                0,
                dirty.tryClaim(List.of("/b")),
                () -> {
                  threads.add(Thread.currentThread());
                  events.add("/b done");
                  secondDone.countDown();
                  return 1;
                });
        // a sibling chunk does not wait for the slow one
        assertThat(secondDone.await(20, TimeUnit.SECONDS)).isTrue();
        changed +=
            writer.submit(
                1,
                dirty.tryClaim(List.of("/a/c")),
                () -> {
                  events.add("/a/c started");
                  return 1;
                });
        // the free thread takes the child's chunk and waits for the level above to finish
        Thread free = threads.get(1);
        await().atMost(DEADLINE).until(() -> free.getState() == Thread.State.WAITING);
      } finally {
        firstMayFinish.countDown();
      }
      changed += writer.drain();
    }
    assertThat(changed).isEqualTo(3);
    assertThat(events).containsExactly("/b done", "/a done", "/a/c started");
    assertThat(threads)
        .extracting(Thread::getName)
        .containsExactlyInAnyOrder("zk2zk-reconcile-writer-1", "zk2zk-reconcile-writer-2");
  }

  @Test
  void withTwoWritersAFailedChunkStillStopsTheLevelsBelowIt() throws Exception {
    assertAFailedChunkStopsTheNextOne(new PassWriter(dirty, 4, 2), "/a/b", 1);
  }

  @Test
  void aFailedChunkFailsThePassAndTheChunksQueuedBehindItAreNotWritten() throws Exception {
    assertAFailedChunkStopsTheNextOne(new PassWriter(dirty, 2), "/b", 0);
  }

  @Test
  void aSiblingsFailureStopsTheNextLevelEvenWhenTheOtherSiblingSucceeds() throws Exception {
    CountDownLatch aMayFinish = new CountDownLatch(1);
    CountDownLatch aWrites = new CountDownLatch(1);
    AtomicBoolean childWrote = new AtomicBoolean();
    PassWriter writer = new PassWriter(dirty, 4, 2);
    try {
      writer.submit(
          0,
          dirty.tryClaim(List.of("/a")),
          () -> {
            aWrites.countDown();
            aMayFinish.await();
            return 1;
          });
      writer.submit(
          0,
          dirty.tryClaim(List.of("/b")),
          () -> {
            // /a's chunk is writing by now: had /b failed first, /a would not start at all
            aWrites.await();
            throw new SideUnavailableException("target down");
          });
      // /b's chunk has ended (its claim is back) while /a's still runs
      await().atMost(DEADLINE).until(() -> claimable("/b"));
      writer.submit(
          1,
          dirty.tryClaim(List.of("/a/c")),
          () -> {
            childWrote.set(true);
            return 1;
          });
      aMayFinish.countDown();
      assertThatThrownBy(writer::drain)
          .isInstanceOf(SideUnavailableException.class)
          .hasMessage("target down");
    } finally {
      aMayFinish.countDown();
      writer.close();
    }
    assertThat(childWrote).isFalse();
    assertThat(dirty.tryClaim(List.of("/a", "/b", "/a/c")))
        .containsExactlyInAnyOrder("/a", "/b", "/a/c");
  }

  /** Whether nobody holds {@code path}; leaves it unclaimed. */
  private boolean claimable(String path) {
    Set<String> claimed = dirty.tryClaim(List.of(path));
    dirty.release(claimed);
    return !claimed.isEmpty();
  }

  /** Fails a chunk of /a, then submits one of {@code next} at {@code level}: never written. */
  private void assertAFailedChunkStopsTheNextOne(PassWriter writer, String next, int level)
      throws Exception {
    CountDownLatch mayFail = new CountDownLatch(1);
    AtomicBoolean nextWrote = new AtomicBoolean();
    try {
      writer.submit(
          0,
          dirty.tryClaim(List.of("/a")),
          () -> {
            mayFail.await();
            throw new SideUnavailableException("target down");
          });
      writer.submit(
          level,
          dirty.tryClaim(List.of(next)),
          () -> {
            nextWrote.set(true);
            return 1;
          });
      mayFail.countDown();
      assertThatThrownBy(writer::drain)
          .isInstanceOf(SideUnavailableException.class)
          .hasMessage("target down");
    } finally {
      mayFail.countDown();
      writer.close();
    }
    assertThat(nextWrote).isFalse();
    // every claim is back: the next pass and the workers may sync these paths
    assertThat(dirty.tryClaim(List.of("/a", next))).containsExactlyInAnyOrder("/a", next);
  }

  @Test
  void closingWaitsForTheRunningChunkAbandonsQueuedOnesAndReleasesEveryClaim() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    AtomicBoolean runningChunkFinished = new AtomicBoolean();
    AtomicBoolean queuedChunkWrote = new AtomicBoolean();
    PassWriter writer = new PassWriter(dirty, 2);
    Thread closer = new Thread(writer::close, "closer");
    try {
      writer.submit(
          dirty.tryClaim(List.of("/a")),
          () -> {
            writing.countDown();
            mayFinish.await();
            runningChunkFinished.set(true);
            return 1;
          });
      writer.submit(
          dirty.tryClaim(List.of("/b")),
          () -> {
            queuedChunkWrote.set(true);
            return 1;
          });
      assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
      closer.start();
      // close waits for the running chunk (a failed walk says nothing about the target)
      await().atMost(DEADLINE).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
      assertThat(closer.isAlive()).isTrue();
    } finally {
      mayFinish.countDown();
    }
    closer.join(DEADLINE.toMillis());
    assertThat(closer.isAlive()).isFalse();
    assertThat(runningChunkFinished).isTrue();
    assertThat(queuedChunkWrote).isFalse();
    assertThat(dirty.tryClaim(List.of("/a", "/b"))).containsExactlyInAnyOrder("/a", "/b");
    writer.close(); // idempotent
  }

  @Test
  void abandonNowInterruptsTheRunningChunk() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    PassWriter writer = new PassWriter(dirty, 2);
    writer.submit(
        dirty.tryClaim(List.of("/a")),
        () -> {
          writing.countDown();
          try {
            new CountDownLatch(1).await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
          return 1;
        });
    assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
    writer.abandonNow();
    writer.close();
    assertThat(interrupted).isTrue();
    assertThat(dirty.tryClaim(Set.of("/a"))).containsExactly("/a");
  }

  @Test
  void atMostDepthChunksWaitAndAWalkInterruptedWhileWaitingGivesItsClaimBack() throws Exception {
    CountDownLatch mayFinish = new CountDownLatch(1);
    try (PassWriter writer = new PassWriter(dirty, 1)) {
      try {
        writer.submit(
            dirty.tryClaim(List.of("/a")),
            () -> {
              mayFinish.await();
              return 1;
            });
        AtomicReference<Throwable> walkEnded = new AtomicReference<>();
        Thread walk =
            new Thread(
                () -> {
                  try {
                    writer.submit(dirty.tryClaim(List.of("/b")), () -> 1);
                  } catch (Exception e) {
                    walkEnded.set(e);
                  }
                },
                "walk");
        walk.start();
        // the walk waits for room instead of queueing a second chunk
        await().atMost(DEADLINE).until(() -> walk.getState() == Thread.State.WAITING);
        assertThat(dirty.tryClaim(List.of("/b"))).isEmpty();

        walk.interrupt(); // the daemon stops while the walk waits
        walk.join(DEADLINE.toMillis());
        assertThat(walkEnded.get()).isInstanceOf(InterruptedException.class);
        assertThat(dirty.tryClaim(List.of("/b"))).containsExactly("/b");
      } finally {
        mayFinish.countDown();
      }
      assertThat(writer.drain()).isEqualTo(1);
    }
  }
}
