package io.zk2zk.curator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.DaemonProcess;
import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.InSync;
import io.zk2zk.e2e.support.MonitorLog;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Curator {@code DistributedQueue} shared across the migration (issue 13): its producer already
 * moved to T (ZooKeeper 3.9) and its consumer still on S (3.5), and the other way round; both
 * packaged daemons running with passes every 2 s. 1,000 jobs are produced while the daemons run,
 * and each daemon is killed and started again in the middle: every job is consumed exactly once,
 * none is lost, and both sides end without items and in sync.
 */
@ExtendWith(ProcessScopeExtension.class)
class DistributedQueueE2EIT {

  private static final int JOBS = 1_000;
  private static final String QUEUE = "/jobs";
  private static final Duration WITHIN = Duration.ofSeconds(60);

  private static final QueueSerializer<String> TEXT =
      new QueueSerializer<>() {
        @Override
        public byte[] serialize(String item) {
          return item.getBytes(UTF_8);
        }

        @Override
        public String deserialize(byte[] bytes) {
          return new String(bytes, UTF_8);
        }
      };

  /** Counts every job it is handed. */
  private static final class Consumer implements QueueConsumer<String> {
    final Map<String, Integer> consumed = new ConcurrentHashMap<>();

    @Override
    public void consumeMessage(String job) {
      consumed.merge(job, 1, Integer::sum);
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {}
  }

  @Test
  void jobsProducedOnTAreConsumedOnSExactlyOnceAcrossDaemonKills(ProcessScope scope)
      throws Exception {
    runQueue(scope, false);
  }

  /**
   * The other way round: the producer still on S, the consumer moved to T. all_sync copies each job
   * with its receipt, t_sync deletes on S the jobs taken on T (rule 37); all_sync is killed right
   * after a burst of puts (while it copies them), t_sync while it deletes taken jobs on S.
   */
  @Test
  void jobsProducedOnSAreConsumedOnTExactlyOnceAcrossDaemonKills(ProcessScope scope)
      throws Exception {
    runQueue(scope, true);
  }

  private void runQueue(ProcessScope scope, boolean producedOnS) throws Exception {
    ZkServerProcess source = scope.startZk(E2EConfig.ZK35);
    ZkServerProcess target = scope.startZk(E2EConfig.ZK39);
    Zk s = scope.connect(source);
    Zk t = scope.connect(target);
    // the queue is not all S holds: a registry, as on a real source. (In a tree of nothing but
    // the queue, a queue drained while a daemon was down would be most of its nodes, and a pass
    // of the restarted daemon would rightly stop at the mass-delete guard.)
    s.createPersistent("/registry", null);
    for (int i = 0; i < 20; i++) {
      s.createPersistent("/registry/svc" + i, null);
      for (int j = 0; j < 100; j++) {
        s.createPersistent("/registry/svc" + i + "/n" + j, ("v" + j).getBytes(UTF_8));
      }
    }
    DaemonProcess allSync = allSync(scope, source, target);
    DaemonProcess tSync = tSync(scope, source, target);
    // clients move once the migration runs: all_sync marks its copies, both daemons have passed
    awaitFirstPass(allSync);
    awaitFirstPass(tSync);
    assertThat(t.exists("/zk2zk_ha/origin_marks")).isNotNull();

    Consumer consumer = new Consumer();
    try (CuratorFramework onS = curator(source);
        CuratorFramework onT = curator(target);
        DistributedQueue<String> producing =
            QueueBuilder.builder(producedOnS ? onS : onT, null, TEXT, QUEUE)
                .putInBackground(false)
                .buildQueue();
        DistributedQueue<String> consuming =
            QueueBuilder.builder(producedOnS ? onT : onS, consumer, TEXT, QUEUE).buildQueue()) {
      producing.start();
      // the queue's node reaches the consumer's side before the consumer would create its own
      Zk consumerSide = producedOnS ? t : s;
      await("the queue on both sides")
          .atMost(WITHIN)
          .until(() -> consumerSide.exists(QUEUE) != null);
      consuming.start();
      // the daemon that copies new jobs to the consumer's side, and the one that carries back
      // what the consumer took
      boolean copierIsAllSync = producedOnS;
      for (int i = 0; i < JOBS; i++) {
        producing.put("job " + i);
        if (i == JOBS / 10) {
          await("jobs consumed").atMost(WITHIN).until(() -> !consumer.consumed.isEmpty());
        } else if (i == JOBS / 3) {
          // right after a burst of puts: while it copies them
          (copierIsAllSync ? allSync : tSync).kill9();
        } else if (i == JOBS / 2) {
          if (copierIsAllSync) {
            allSync = allSync(scope, source, target);
          } else {
            tSync = tSync(scope, source, target);
          }
        } else if (i == 2 * JOBS / 3) {
          // while it deletes the jobs taken on the consumer's side
          (copierIsAllSync ? tSync : allSync).kill9();
        } else if (i == 5 * JOBS / 6) {
          if (copierIsAllSync) {
            tSync = tSync(scope, source, target);
          } else {
            allSync = allSync(scope, source, target);
          }
        }
      }
      DaemonProcess a = allSync;
      DaemonProcess ts = tSync;
      await("every job consumed")
          .atMost(WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .failFast("a daemon exited", () -> !a.isAlive() || !ts.isAlive())
          .until(() -> consumer.consumed.size() == JOBS);
      await("no job left on either side")
          .atMost(WITHIN)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                assertThat(items(t)).isEmpty();
                assertThat(items(s)).isEmpty();
              });
      InSync.awaitMigrationInSync(s, t, WITHIN, allSync, tSync);
    }

    List<String> twice = new ArrayList<>();
    consumer.consumed.forEach(
        (job, times) -> {
          if (times != 1) {
            twice.add(job + " x" + times);
          }
        });
    assertThat(twice).as("jobs consumed more than once").isEmpty();
    for (int i = 0; i < JOBS; i++) {
      assertThat(consumer.consumed).as("job %d consumed", i).containsKey("job " + i);
    }
    for (DaemonProcess d : List.of(allSync, tSync)) {
      assertThat(d.monitorLog()).as(d.kind() + " fail lines").noneMatch(l -> l.contains("[fail]"));
    }
  }

  private static void awaitFirstPass(DaemonProcess daemon) {
    MonitorLog.awaitPasses(daemon, 1, WITHIN);
  }

  /** The queue's items; none once a container's reaper removed the empty queue node. */
  private static List<String> items(Zk zk) throws Exception {
    try {
      return zk.getChildren(QUEUE);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private static CuratorFramework curator(ZkServerProcess server) {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(
            server.connectString(), 10_000, 5_000, new ExponentialBackoffRetry(100, 10));
    c.start();
    return c;
  }

  private static DaemonProcess allSync(
      ProcessScope scope, ZkServerProcess source, ZkServerProcess target) {
    return scope.startSync(DaemonProcess.Kind.ALL_SYNC, source, target, "--syncDailyInterval", "2");
  }

  private static DaemonProcess tSync(
      ProcessScope scope, ZkServerProcess source, ZkServerProcess target) {
    return scope.startSync(DaemonProcess.Kind.T_SYNC, target, source, "--syncDailyInterval", "2");
  }
}
