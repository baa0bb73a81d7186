package io.zk2zk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zk2zk.lifecycle.Lifecycle.State;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LATENT, STARTED, CLOSED: each step taken once, by exactly one caller. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {

  private final Lifecycle lifecycle = new Lifecycle();

  @Test
  void startsOnceThenCloses() {
    assertThat(lifecycle.state()).isEqualTo(State.LATENT);
    assertThat(lifecycle.isStarted()).isFalse();

    assertThat(lifecycle.start()).isTrue();
    assertThat(lifecycle.state()).isEqualTo(State.STARTED);
    assertThat(lifecycle.isStarted()).isTrue();
    assertThat(lifecycle.start()).isFalse();

    assertThat(lifecycle.close()).isTrue();
    assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
    assertThat(lifecycle.isStarted()).isFalse();
  }

  @Test
  void closeOfAStartedObjectIsTrueOnceThenIdempotent() {
    lifecycle.start();
    assertThat(lifecycle.close()).isTrue();
    assertThat(lifecycle.close()).isFalse();
    assertThat(lifecycle.close()).isFalse();
    assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void closeBeforeStartHasNothingToUndoAndForbidsTheStart() {
    assertThat(lifecycle.close()).isFalse();
    assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
    assertThat(lifecycle.close()).isFalse();

    assertThat(lifecycle.start()).isFalse();
    assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void noStartAfterClose() {
    lifecycle.start();
    lifecycle.close();
    assertThat(lifecycle.start()).isFalse();
    assertThat(lifecycle.isStarted()).isFalse();
  }

  @Test
  void startOnceThrowsOnASecondStartAndAfterClose() {
    lifecycle.startOnce();
    assertThat(lifecycle.isStarted()).isTrue();
    assertThatThrownBy(lifecycle::startOnce)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("already started");

    lifecycle.close();
    assertThatThrownBy(lifecycle::startOnce)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("already started");
    assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void startOnceAfterACloseBeforeStartThrows() {
    lifecycle.close();
    assertThatThrownBy(lifecycle::startOnce).isInstanceOf(IllegalStateException.class);
  }

  @RepeatedTest(50)
  void twoThreadsClosingAtOnceUndoTheStartOnce() throws Exception {
    lifecycle.start();
    assertThat(race(lifecycle::close)).containsExactlyInAnyOrder(true, false);
    assertThat(lifecycle.state()).isEqualTo(State.CLOSED);
  }

  @RepeatedTest(50)
  void twoThreadsStartingAtOnceStartOnce() throws Exception {
    assertThat(race(lifecycle::start)).containsExactlyInAnyOrder(true, false);
    assertThat(lifecycle.isStarted()).isTrue();
  }

  /** Runs {@code step} on two threads released together; returns both answers. */
  private static Boolean[] race(java.util.concurrent.Callable<Boolean> step) throws Exception {
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch ready = new CountDownLatch(2);
      CountDownLatch go = new CountDownLatch(1);
      java.util.concurrent.Callable<Boolean> racer =
          () -> {
            ready.countDown();
            go.await();
            return step.call();
          };
      Future<Boolean> a = two.submit(racer);
      Future<Boolean> b = two.submit(racer);
      ready.await();
      go.countDown();
      return new Boolean[] {a.get(20, TimeUnit.SECONDS), b.get(20, TimeUnit.SECONDS)};
    } finally {
      two.shutdownNow();
    }
  }
}
