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
import org.junit.jupiter.api.Test;

/**
 * The pass's write stage: a chunk's claim lasts until its writes are done, chunks are written in
 * walk order on the pass's own thread, a failure reaches the walk, and no claim outlives the pass.
 */
class PassWriterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final DirtyPaths dirty = new DirtyPaths();

  @Test
  void aChunksClaimIsHeldUntilItsWritesAreDone() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    try (PassWriter writer = new PassWriter(dirty, 2)) {
      writer.submit(
          dirty.tryClaim(List.of("/a", "/b")),
          () -> {
            writing.countDown();
            mayFinish.await();
            return 2;
          });
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
      // a worker cannot take the paths while their writes are in flight
      assertThat(dirty.tryClaim(List.of("/a"))).isEmpty();

      mayFinish.countDown();
      assertThat(writer.drain()).isEqualTo(2);
      assertThat(dirty.tryClaim(List.of("/a", "/b"))).containsExactlyInAnyOrder("/a", "/b");
    }
  }

  @Test
  void chunksAreWrittenInWalkOrderOnTheNamedWriterThread() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    long changed = 0;
    try (PassWriter writer = new PassWriter(dirty, 2)) {
      for (String p : List.of("/a", "/a/b", "/a/b/c", "/a/b/c/d")) {
        changed +=
            writer.submit(
                dirty.tryClaim(List.of(p)),
                () -> {
                  order.add(p + "@" + Thread.currentThread().getName());
                  return 1;
                });
      }
      changed += writer.drain();
    }
    assertThat(changed).isEqualTo(4);
    assertThat(order)
        .containsExactly(
            "/a@zk2zk-reconcile-writer",
            "/a/b@zk2zk-reconcile-writer",
            "/a/b/c@zk2zk-reconcile-writer",
            "/a/b/c/d@zk2zk-reconcile-writer");
  }

  @Test
  void aFailedChunkFailsThePassAndTheChunksQueuedBehindItAreNotWritten() throws Exception {
    CountDownLatch mayFail = new CountDownLatch(1);
    AtomicBoolean laterChunkWrote = new AtomicBoolean();
    PassWriter writer = new PassWriter(dirty, 2);
    try {
      writer.submit(
          dirty.tryClaim(List.of("/a")),
          () -> {
            mayFail.await();
            throw new SideUnavailableException("target down");
          });
      writer.submit(
          dirty.tryClaim(List.of("/b")),
          () -> {
            laterChunkWrote.set(true);
            return 1;
          });
      mayFail.countDown();
      assertThatThrownBy(writer::drain)
          .isInstanceOf(SideUnavailableException.class)
          .hasMessage("target down");
    } finally {
      writer.close();
    }
    assertThat(laterChunkWrote).isFalse();
    // every claim is back: the next pass and the workers may sync these paths
    assertThat(dirty.tryClaim(List.of("/a", "/b"))).containsExactlyInAnyOrder("/a", "/b");
  }

  @Test
  void closingAbandonsQueuedChunksButReleasesTheirClaims() throws Exception {
    CountDownLatch mayFinish = new CountDownLatch(1);
    AtomicBoolean queuedChunkWrote = new AtomicBoolean();
    PassWriter writer = new PassWriter(dirty, 2);
    writer.submit(
        dirty.tryClaim(List.of("/a")),
        () -> {
          mayFinish.await();
          return 1;
        });
    writer.submit(
        dirty.tryClaim(List.of("/b")),
        () -> {
          queuedChunkWrote.set(true);
          return 1;
        });
    Thread closer = new Thread(writer::close, "closer");
    closer.start();
    // close waits for the running chunk (a failed walk says nothing about the target)
    await().atMost(DEADLINE).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    assertThat(closer.isAlive()).isTrue();
    mayFinish.countDown();
    closer.join(DEADLINE.toMillis());
    assertThat(closer.isAlive()).isFalse();
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
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
          return 1;
        });
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    writer.abandonNow();
    writer.close();
    assertThat(interrupted).isTrue();
    assertThat(dirty.tryClaim(Set.of("/a"))).containsExactly("/a");
  }

  @Test
  void atMostDepthChunksWait() throws Exception {
    CountDownLatch mayFinish = new CountDownLatch(1);
    try (PassWriter writer = new PassWriter(dirty, 1)) {
      writer.submit(
          dirty.tryClaim(List.of("/a")),
          () -> {
            mayFinish.await();
            return 1;
          });
      AtomicBoolean submitted = new AtomicBoolean();
      Thread walk =
          new Thread(
              () -> {
                try {
                  writer.submit(dirty.tryClaim(List.of("/b")), () -> 1);
                  submitted.set(true);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "walk");
      walk.start();
      // the walk waits for room instead of queueing a second chunk's reads
      await().atMost(DEADLINE).until(() -> walk.getState() == Thread.State.WAITING);
      assertThat(submitted).isFalse();
      mayFinish.countDown();
      walk.join(DEADLINE.toMillis());
      assertThat(submitted).isTrue();
    }
  }
}
