package io.zk2zk.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The names and daemon flag of the daemons' threads (docs/design.md lists the names). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamedThreadsTest {

  private static final Runnable NOTHING = () -> {};

  @Test
  void namedMakesDaemonThreadsOfThatName() {
    ThreadFactory f = NamedThreads.named("zk2zk-reconcile");
    Thread a = f.newThread(NOTHING);
    Thread b = f.newThread(NOTHING);
    assertThat(a.getName()).isEqualTo("zk2zk-reconcile");
    assertThat(b.getName()).isEqualTo("zk2zk-reconcile");
    assertThat(a.isDaemon()).isTrue();
    assertThat(a.getState()).isEqualTo(Thread.State.NEW);
  }

  @Test
  void numberedCountsFromOneByDefault() {
    ThreadFactory f = NamedThreads.numbered("zk2zk-reconcile-writer");
    assertThat(f.newThread(NOTHING).getName()).isEqualTo("zk2zk-reconcile-writer-1");
    Thread second = f.newThread(NOTHING);
    assertThat(second.getName()).isEqualTo("zk2zk-reconcile-writer-2");
    assertThat(second.isDaemon()).isTrue();
  }

  @Test
  void numberedCountsFromTheGivenFirstNumberAndEachFactoryOnItsOwn() {
    ThreadFactory f = NamedThreads.numbered("zk2zk-worker", 0);
    ThreadFactory other = NamedThreads.numbered("zk2zk-worker", 0);
    assertThat(f.newThread(NOTHING).getName()).isEqualTo("zk2zk-worker-0");
    assertThat(f.newThread(NOTHING).getName()).isEqualTo("zk2zk-worker-1");
    assertThat(other.newThread(NOTHING).getName()).isEqualTo("zk2zk-worker-0");
  }

  @Test
  void namedLikeCallerKeepsTheCallersDaemonFlag() throws Exception {
    ThreadFactory f = NamedThreads.namedLikeCaller("zk2zk-curator-source");
    Thread fromHere = f.newThread(NOTHING);
    assertThat(fromHere.getName()).isEqualTo("zk2zk-curator-source");
    assertThat(fromHere.isDaemon()).isEqualTo(Thread.currentThread().isDaemon());

    AtomicReference<Thread> fromDaemon = new AtomicReference<>();
    Thread maker = NamedThreads.start("maker", () -> fromDaemon.set(f.newThread(NOTHING)));
    maker.join(20_000);
    assertThat(fromDaemon.get().isDaemon()).isTrue();

    AtomicReference<Thread> fromUser = new AtomicReference<>();
    Thread userMaker = new Thread(() -> fromUser.set(f.newThread(NOTHING)));
    userMaker.setDaemon(false);
    userMaker.start();
    userMaker.join(20_000);
    assertThat(fromUser.get().isDaemon()).isFalse();
  }

  @Test
  void startRunsTheTaskOnAStartedDaemonThreadOfThatName() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<Thread> runner = new AtomicReference<>();
    Thread t =
        NamedThreads.start(
            "zk2zk-ha",
            () -> {
              runner.set(Thread.currentThread());
              ran.countDown();
            });
    assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(runner.get()).isSameAs(t);
    assertThat(t.getName()).isEqualTo("zk2zk-ha");
    assertThat(t.isDaemon()).isTrue();
  }

  @Test
  void aPoolTakesItsNamesFromTheFactory() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1, NamedThreads.named("zk2zk-ha"));
    try {
      assertThat(pool.submit(() -> Thread.currentThread().getName()).get(20, TimeUnit.SECONDS))
          .isEqualTo("zk2zk-ha");
      assertThat(pool.submit(() -> Thread.currentThread().isDaemon()).get(20, TimeUnit.SECONDS))
          .isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
