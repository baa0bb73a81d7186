package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sequence-counter contract: after a migration, a sequential node created on T sorts after
 * every copied one, also under a parent whose sequential children came and went on S long before.
 */
class SequenceCountersIT extends TwoServers {

  private SyncDaemon daemon;

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private void startAllSync() throws Exception {
    daemon =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60));
    daemon.start();
  }

  private static int suffix(String path) {
    return Integer.parseInt(path.substring(path.length() - 10));
  }

  @Test
  void newSequentialNodeOnTSortsAfterEveryCopiedOne() throws Exception {
    Trees.createP(onS, "/queue", "");
    for (int i = 0; i < 40; i++) {
      onS.delete(
          onS.create(
              "/queue/item-",
              null,
              org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT_SEQUENTIAL),
          -1);
    }
    String last = null;
    for (int i = 0; i < 3; i++) {
      last =
          onS.create(
              "/queue/item-",
              null,
              org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT_SEQUENTIAL);
    }
    // a parent whose sequential children all came and went long before
    Trees.createP(onS, "/emptied", "");
    for (int i = 0; i < 25; i++) {
      onS.delete(
          onS.create(
              "/emptied/n-",
              null,
              org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT_SEQUENTIAL),
          -1);
    }
    startAllSync();
    String lastCopied = last;
    await().atMost(Duration.ofSeconds(20)).until(() -> onT.exists(lastCopied, false) != null);
    // the pass that copied the nodes also raised the counters before it wrote its progress line
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              String onTQueue =
                  onT.create(
                      "/queue/item-",
                      null,
                      org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                      CreateMode.EPHEMERAL_SEQUENTIAL);
              assertThat(suffix(onTQueue)).isGreaterThan(suffix(lastCopied));
              String onTEmptied =
                  onT.create(
                      "/emptied/n-",
                      null,
                      org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                      CreateMode.EPHEMERAL_SEQUENTIAL);
              assertThat(suffix(onTEmptied)).isGreaterThanOrEqualTo(25);
            });
  }

  @Test
  void aLockHeldOnSIsRespectedByAMutexOnT() throws Exception {
    try (CuratorFramework clientS = client(s);
        CuratorFramework clientT = client(t)) {
      // advance the lock parent's counter on S, as a long-lived lock does
      InterProcessMutex warmUp = new InterProcessMutex(clientS, "/locks/job");
      for (int i = 0; i < 7; i++) {
        warmUp.acquire();
        warmUp.release();
      }
      InterProcessMutex onSMutex = new InterProcessMutex(clientS, "/locks/job");
      onSMutex.acquire();
      startAllSync();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  onT.exists("/locks/job", false) != null
                      && !onT.getChildren("/locks/job", false).isEmpty());

      // the holder on S still holds it: a client on T must not get the lock
      InterProcessMutex onTMutex = new InterProcessMutex(clientT, "/locks/job");
      assertThat(onTMutex.acquire(1, TimeUnit.SECONDS)).isFalse();

      // once the holder on S releases, its copy goes and the client on T gets the lock
      onSMutex.release();
      assertThat(onTMutex.acquire(10, TimeUnit.SECONDS)).isTrue();
      onTMutex.release();
    }
  }

  @Test
  void aLeaderElectedOnSStaysLeaderUntilItLeavesAndThenALatchOnTTakesOver() throws Exception {
    try (CuratorFramework clientS = client(s);
        CuratorFramework clientT = client(t)) {
      // earlier elections on S advanced the election parent's counter
      for (int i = 0; i < 5; i++) {
        try (LeaderLatch past = new LeaderLatch(clientS, "/election/job", "past-" + i)) {
          past.start();
          past.await(10, TimeUnit.SECONDS);
        }
      }
      LeaderLatch leaderOnS = new LeaderLatch(clientS, "/election/job", "on-S");
      leaderOnS.start();
      assertThat(leaderOnS.await(10, TimeUnit.SECONDS)).isTrue();
      startAllSync();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  onT.exists("/election/job", false) != null
                      && !onT.getChildren("/election/job", false).isEmpty());

      // a participant on T joins after the migration: the copy of S's leader sorts before it
      try (LeaderLatch onTLatch = new LeaderLatch(clientT, "/election/job", "on-T")) {
        onTLatch.start();
        assertThat(onTLatch.await(1, TimeUnit.SECONDS)).isFalse();
        // S's leader leaves: its copy goes, and T's participant is elected
        leaderOnS.close();
        assertThat(onTLatch.await(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  private static CuratorFramework client(TestingServer server) {
    CuratorFramework c =
        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
    c.start();
    return c;
  }
}
