package io.zk2zk.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.zk2zk.source.DirtyPaths.Entry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dirty-path set: marks coalesce and a path is never in the hands of two syncers at once. */
class DirtyPathsTest {

  // Nothing here waits for another thread: a zero or tiny wait returns at once when empty.
  private static final Duration NOW = Duration.ZERO;

  private final DirtyPaths dirty = new DirtyPaths();

  @Test
  void marksCoalesce() throws InterruptedException {
    dirty.mark("/a");
    dirty.mark("/a");
    dirty.mark("/b");
    dirty.mark("/a");

    assertThat(dirty.pendingCount()).isEqualTo(2);
    assertThat(dirty.take(10, NOW)).containsExactly(new Entry("/a", false), new Entry("/b", false));
    assertThat(dirty.pendingCount()).isZero();
  }

  @Test
  void takeClaimsAtMostMaxInMarkOrder() throws InterruptedException {
    dirty.mark("/a");
    dirty.mark("/b");
    dirty.mark("/c");

    assertThat(dirty.take(2, NOW)).extracting(Entry::path).containsExactly("/a", "/b");
    assertThat(dirty.take(2, NOW)).extracting(Entry::path).containsExactly("/c");
    assertThat(dirty.take(2, NOW)).isEmpty();
    // claimed but not released: not idle
    assertThat(dirty.isIdle()).isFalse();
    dirty.release(List.of("/a", "/b", "/c"));
    assertThat(dirty.isIdle()).isTrue();
  }

  @Test
  void takeWithATinyTimeoutReturnsEmptyWhenNothingIsPending() throws InterruptedException {
    assertThat(dirty.take(10, Duration.ofNanos(1))).isEmpty();
    assertThat(dirty.take(10, Duration.ofMillis(1))).isEmpty();
    assertThat(dirty.take(10, NOW)).isEmpty();
    assertThat(dirty.isIdle()).isTrue();
  }

  @Test
  void markDuringFlightIsRequeuedOnReleaseAndNotHandedOutMeanwhile() throws InterruptedException {
    dirty.mark("/a");
    assertThat(dirty.take(10, NOW)).extracting(Entry::path).containsExactly("/a");

    // The sync of /a may have read too early: the new mark must not be lost...
    dirty.mark("/a", true);
    // ...but a second worker must not get /a while the first still holds it.
    assertThat(dirty.take(10, NOW)).isEmpty();
    assertThat(dirty.awaitPending(1, TimeUnit.NANOSECONDS)).isFalse();
    assertThat(dirty.pendingCount()).isEqualTo(1);

    dirty.release(List.of("/a"));
    assertThat(dirty.take(10, NOW)).containsExactly(new Entry("/a", true));
  }

  @Test
  void releaseWithoutANewMarkDropsThePath() throws InterruptedException {
    dirty.mark("/a");
    dirty.take(10, NOW);
    dirty.release(List.of("/a"));
    assertThat(dirty.take(10, NOW)).isEmpty();
    assertThat(dirty.isIdle()).isTrue();
  }

  @Test
  void tryClaimRefusesInFlightPathsAndRemarksThem() throws InterruptedException {
    dirty.mark("/busy");
    assertThat(dirty.take(10, NOW)).extracting(Entry::path).containsExactly("/busy");

    assertThat(dirty.tryClaim(List.of("/busy", "/free"))).containsExactly("/free");
    // /free is now held by the reconcile: neither a mark nor a claim hands it out again
    assertThat(dirty.tryClaim(List.of("/free"))).isEmpty();

    dirty.release(List.of("/busy"));
    // the refused claim re-marked /busy: it is synced again after the current sync
    assertThat(dirty.take(10, NOW)).extracting(Entry::path).containsExactly("/busy");
    dirty.release(List.of("/busy"));
    // the refused second claim of /free re-marked it as well
    dirty.release(List.of("/free"));
    assertThat(dirty.take(10, NOW)).extracting(Entry::path).containsExactly("/free");
  }

  @Test
  void pendingPathClaimedByTryClaimIsNotHandedToATaker() throws InterruptedException {
    // A path that is pending when a reconcile pass claims it must not also go to a worker while
    // the reconcile holds it ("never synced by two threads at once").
    dirty.mark("/a");
    assertThat(dirty.tryClaim(List.of("/a"))).containsExactly("/a");

    assertThat(dirty.take(10, NOW)).extracting(Entry::path).doesNotContain("/a");
  }

  @Test
  void childrenChangedFlagsMergeWithOr() throws InterruptedException {
    dirty.mark("/a", true);
    dirty.mark("/a", false);
    dirty.mark("/b", false);
    dirty.mark("/b", false);
    dirty.mark("/c", false);
    dirty.mark("/c", true);

    assertThat(dirty.take(10, NOW))
        .containsExactly(new Entry("/a", true), new Entry("/b", false), new Entry("/c", true));
  }

  @Test
  void childrenChangedFlagsMergeWithOrWhileInFlight() throws InterruptedException {
    dirty.mark("/a");
    dirty.take(10, NOW);
    dirty.mark("/a", true);
    dirty.mark("/a", false);
    dirty.release(List.of("/a"));

    assertThat(dirty.take(10, NOW)).containsExactly(new Entry("/a", true));
  }

  @Test
  void awaitPendingSeesAMark() throws InterruptedException {
    assertThat(dirty.awaitPending(1, TimeUnit.NANOSECONDS)).isFalse();
    dirty.mark("/a");
    assertThat(dirty.awaitPending(1, TimeUnit.NANOSECONDS)).isTrue();
  }

  @Test
  void markedAtIsTheOldestCoalescedMarkOfAPathInAWorkersHands() throws InterruptedException {
    long before = System.nanoTime();
    dirty.mark("/a");
    long between = System.nanoTime();
    dirty.mark("/a", true);
    assertThat(dirty.markedAt("/a")).isEmpty(); // pending, not yet in a worker's hands

    dirty.take(10, NOW);
    assertThat(dirty.markedAt("/a").getAsLong()).isBetween(before, between);

    // marked again while in flight: synced again later, timed from the new mark
    dirty.mark("/a");
    long remarked = System.nanoTime();
    dirty.release(List.of("/a"));
    assertThat(dirty.markedAt("/a")).isEmpty();
    dirty.take(10, NOW);
    assertThat(dirty.markedAt("/a").getAsLong()).isBetween(between, remarked);
  }

  @Test
  void pathsClaimedByAPassHaveNoMarkTime() {
    dirty.tryClaim(List.of("/a"));
    assertThat(dirty.markedAt("/a")).isEmpty();
    assertThat(dirty.markedAt("/never")).isEmpty();
  }
}
