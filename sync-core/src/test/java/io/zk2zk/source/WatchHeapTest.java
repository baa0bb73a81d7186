package io.zk2zk.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class WatchHeapTest {

  private static final long MB = 1024 * 1024;

  @Test
  void aPersistentNodeHoldsTwoWatchesAndAnEphemeralOne() {
    assertThat(WatchHeap.perNode("/a/b", false)).isEqualTo(40 + 4 + 2 * 216);
    assertThat(WatchHeap.perNode("/a/b", true)).isEqualTo(40 + 4 + 216);
  }

  @Test
  void theWatchesMayTakeSixtyPercentOfTheHeap() {
    assertThat(new WatchHeap(512 * MB, -1).budget()).isEqualTo((long) (512 * MB * 0.6));
  }

  @Test
  void aWalkWithinTheBudgetCountsItsNodesAndTheMetricKeepsThemWhileTheNextWalkCounts() {
    WatchHeap heap = new WatchHeap(512 * MB, -1);
    for (int i = 0; i < 1000; i++) {
      heap.add("/big/p0001/n" + i, false);
    }
    assertThat(heap.bytes()).isBetween(1000L * (40 + 12 + 432), 1000L * (40 + 15 + 432));

    long walked = heap.bytes();
    heap.reset();
    heap.add("/big", false);

    assertThat(heap.bytes()).as("the last walk's, until this one counts more").isEqualTo(walked);
  }

  @Test
  void aWalkPastTheBudgetStopsNamingTheTreeTheHeapAndTheHeapToGive() {
    WatchHeap heap = new WatchHeap(64 * MB, -1);

    assertThatThrownBy(
            () -> {
              for (int i = 0; ; i++) {
                heap.add("/big/p0001/n" + i, false);
              }
            })
        .isInstanceOf(WatchHeapExceeded.class)
        .hasMessageContaining("has no persistent watches (ZooKeeper older than 3.6)")
        .hasMessageMatching(
            ".*: the first 82,\\d{3} nodes walked already need about 38 MB of heap for their"
                + " watches.*")
        .hasMessageContaining("more than 60% of this JVM's 64 MB")
        .hasMessageEndingWith("restart with JAVA_OPTS=-Xmx256m or more (or sync a smaller --path)");
  }

  @Test
  void theServersNodeCountStopsTheWalkOnceEvenOneWatchPerNodeLeftCannotFit() {
    // a million persistent nodes: 466 MB of watches; beyond 512 MB's 307 MB once the nodes walked
    // and one watch for each of the others no longer fit (after 231,000 of them), long before the
    // walk's own count would
    WatchHeap heap = new WatchHeap(512 * MB, 1_001_001);
    int walked = 0;
    try {
      for (; walked < 1_001_001; walked++) {
        heap.add(
            String.format(Locale.ROOT, "/big/p%04d/n%04d", walked / 1000, walked % 1000), false);
      }
    } catch (WatchHeapExceeded e) {
      assertThat(e.getMessage())
          .contains("its 1,001,001 nodes need at least 307 MB")
          .contains("restart with JAVA_OPTS=-Xmx1g or more");
    }
    assertThat(walked).isBetween(225_000, 240_000);
  }

  @Test
  void aRegistryWhosePersistentParentsComeFirstIsNotRefusedForThem() {
    // level by level: 100,000 persistent parents (two watches) first, then 400,000 registrations
    // (one): the parents' mean would project 241 MB onto the tree, more than 320 MB's 192 MB; what
    // the tree needs is 155 MB
    WatchHeap heap = new WatchHeap(320 * MB, 500_000);
    assertThatCode(
            () -> {
              for (int i = 0; i < 100_000; i++) {
                heap.add(String.format(Locale.ROOT, "/r/s%06d", i), false);
              }
              for (int i = 0; i < 400_000; i++) {
                heap.add(String.format(Locale.ROOT, "/r/s%06d/p%d", i / 4, i % 4), true);
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void aTreeOfEphemeralRegistrationsFitsWhereAPersistentOneDoesNot() {
    WatchHeap registry = new WatchHeap(512 * MB, 1_000_000);
    assertThatCode(
            () -> {
              for (int i = 0; i < 1_000_000; i++) {
                registry.add("/dubbo/svc" + i / 1000 + "/providers/p" + i % 1000, true);
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void beforeTheFirstWalkOnlyATreeTooLargeEvenForTheFewestWatchesIsRefused() {
    assertThatCode(() -> new WatchHeap(512 * MB, 1_000_000).checkBeforeStart())
        .doesNotThrowAnyException();
    assertThatCode(() -> new WatchHeap(512 * MB, -1).checkBeforeStart()).doesNotThrowAnyException();
    assertThatThrownBy(() -> new WatchHeap(512 * MB, 2_000_000).checkBeforeStart())
        .isInstanceOf(WatchHeapExceeded.class)
        .hasMessageContaining("its 2,000,000 nodes need, even with one watch each, at least 496 MB")
        .hasMessageContaining("restart with JAVA_OPTS=-Xmx1536m or more");
  }

  @Test
  void theAdvisedHeapIsRoundedUpToAQuarterGigabyte() {
    assertThat(WatchHeap.advisedHeap(100 * MB)).isEqualTo("256m");
    assertThat(WatchHeap.advisedHeap(500 * MB)).isEqualTo("1g");
    assertThat(WatchHeap.advisedHeap(700 * MB)).isEqualTo("1280m");
  }
}
