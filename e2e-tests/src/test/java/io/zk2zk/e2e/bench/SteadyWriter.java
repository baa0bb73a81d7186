package io.zk2zk.e2e.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Writes to S at a fixed rate and measures each write's replication lag: from S's acknowledgement
 * to the change's event on T. The writes cycle through a create, a data change of the node created
 * 250 cycles earlier and a delete of the one created 500 cycles earlier, so every (event, path)
 * pair names exactly one write. Owns its ticker thread.
 */
final class SteadyWriter implements AutoCloseable {

  /**
   * Writes sent, lags measured, and writes whose event never came (coalesced by a lagging sync).
   */
  record Result(long writes, double seconds, SyncBench.Percentiles lagMs, long unseen) {}

  private static final long SET_AFTER = 250;
  private static final long DELETE_AFTER = 500;
  private static final Duration QUIET = Duration.ofSeconds(5);

  private final ZooKeeper zk;
  private final int parents;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-steady-writer"));
  private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile KeeperException.Code firstFailure;

  SteadyWriter(ZooKeeper zk, int parents) {
    this.zk = zk;
    this.parents = parents;
  }

  private String path(long c) {
    return "/service" + (c % parents) + "/w-" + c;
  }

  Result run(int perSecond, Duration duration, LagObserver observer, Duration converge)
      throws Exception {
    long ticks = perSecond * duration.toSeconds();
    AtomicLong tick = new AtomicLong();
    CountDownLatch issued = new CountDownLatch(1);
    long started = System.nanoTime();
    ScheduledFuture<?> task =
        ticker.scheduleAtFixedRate(
            () -> {
              long i = tick.getAndIncrement();
              if (i >= ticks) {
                issued.countDown();
                return;
              }
              write(i);
            },
            0,
            1_000_000_000L / perSecond,
            TimeUnit.NANOSECONDS);
    if (!issued.await(duration.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the writer fell far behind its schedule");
    }
    task.cancel(false);
    double seconds = (System.nanoTime() - started) / 1e9;
    await("acknowledgements of the steady writes")
        .atMost(converge)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> outstanding.get() == 0);
    if (failures.get() > 0) {
      throw new AssertionError(failures.get() + " steady writes failed, first: " + firstFailure);
    }
    // every write seen on T, or nothing new for a while (a write coalesced into a later one)
    await("the steady writes' events on T")
        .atMost(converge)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                ackedAt.keySet().stream().allMatch(k -> observer.seenAt(k) != null)
                    || observer.quietNanos() > QUIET.toNanos());
    List<Double> lags = new ArrayList<>();
    long unseen = 0;
    for (Map.Entry<String, Long> e : ackedAt.entrySet()) {
      Long at = observer.seenAt(e.getKey());
      if (at == null) {
        unseen++;
      } else {
        lags.add((at - e.getValue()) / 1e6);
      }
    }
    return new Result(ackedAt.size(), seconds, SyncBench.Percentiles.of(lags), unseen);
  }

  private void write(long i) {
    long c = i / 3;
    switch ((int) (i % 3)) {
      case 0 -> {
        String p = path(c);
        outstanding.incrementAndGet();
        zk.create(
            p,
            ("created " + c).getBytes(UTF_8),
            ZooDefs.Ids.OPEN_ACL_UNSAFE,
            CreateMode.PERSISTENT,
            (rc, path, ctx, name) -> acked(rc, LagObserver.key(EventType.NodeCreated, p)),
            null);
      }
      case 1 -> {
        if (c >= SET_AFTER) {
          String p = path(c - SET_AFTER);
          outstanding.incrementAndGet();
          zk.setData(
              p,
              ("changed " + c).getBytes(UTF_8),
              -1,
              (rc, path, ctx, stat) -> acked(rc, LagObserver.key(EventType.NodeDataChanged, p)),
              null);
        }
      }
      default -> {
        if (c >= DELETE_AFTER) {
          String p = path(c - DELETE_AFTER);
          outstanding.incrementAndGet();
          zk.delete(
              p, -1, (rc, path, ctx) -> acked(rc, LagObserver.key(EventType.NodeDeleted, p)), null);
        }
      }
    }
  }

  private void acked(int rc, String key) {
    long now = System.nanoTime();
    if (rc == 0) {
      ackedAt.put(key, now);
    } else {
      failures.incrementAndGet();
      firstFailure = KeeperException.Code.get(rc);
    }
    outstanding.decrementAndGet();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
