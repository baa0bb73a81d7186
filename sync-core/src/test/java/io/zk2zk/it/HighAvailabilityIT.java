package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.RunOptions;
import io.zk2zk.ha.LeaderElection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two all_sync instances with {@code --ha} in one JVM: one leads and syncs, the other stands by
 * without touching anything, and takes over when the leader stops.
 */
class HighAvailabilityIT extends TwoServers {

  private SyncDaemon first;
  private SyncDaemon second;

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  private SyncDaemon ha() throws Exception {
    SyncDaemon d =
        new SyncDaemon(
            DaemonFixture.config(
                    DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60)
                .withRun(new RunOptions(false, true, 0, Duration.ofSeconds(4))));
    d.start();
    return d;
  }

  /** {@code zk2zk_leader} as a scrape of the daemon's registry shows it. */
  private static double leaderGauge(SyncDaemon d) {
    return ((GaugeSnapshot)
            d.metrics().registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("zk2zk_leader"))
                .findFirst()
                .orElseThrow())
        .getDataPoints()
        .get(0)
        .getValue();
  }

  @Test
  void oneLeadsTheOtherTakesOverWhenItStops() throws Exception {
    Trees.createP(onS, "/app", "a");
    first = ha();
    await().atMost(Duration.ofSeconds(10)).until(first::leads);
    second = ha();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(onT.exists("/app", false)).isNotNull());
    assertThat(second.leads()).isFalse();
    assertThat(leaderGauge(first)).isEqualTo(1.0);
    assertThat(leaderGauge(second)).isEqualTo(0.0);
    // the election lives on T under /zk2zk_ha/<daemon>/<escaped path>, one node per instance
    String election = LeaderElection.electionPath(DaemonKind.ALL_SYNC, "/");
    assertThat(election).isEqualTo("/zk2zk_ha/all_sync/%2F");
    assertThat(onT.getChildren(election, false)).hasSize(2);

    first.close();
    await().atMost(Duration.ofSeconds(5)).until(second::leads);
    await().atMost(Duration.ofSeconds(5)).until(() -> leaderGauge(second) == 1.0);
    Trees.createP(onS, "/app/after", "b");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Trees.read(onT, "/"))
                    .isEqualTo(Trees.asPersistent(Trees.read(onS, "/"))));
    assertThat(onT.getChildren(election, false)).hasSize(1);
  }

  /**
   * The election session loses T (T restarts): the leader gives up the lead and stops syncing at
   * once, and when T is back it is elected again and starts with a full pass, which copies what
   * changed on S meanwhile.
   */
  @Test
  void aLeaderThatLosesTStandsByAndLeadsAgainWhenTIsBack() throws Exception {
    ListAppender<ILoggingEvent> election = new ListAppender<>();
    election.start();
    Logger logger = (Logger) LoggerFactory.getLogger(LeaderElection.class);
    logger.addAppender(election);
    try {
      Trees.createP(onS, "/app", "a");
      first = ha();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(onT.exists("/app", false)).isNotNull());

      t.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> !first.leads());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  election.list.stream()
                      .anyMatch(e -> e.getFormattedMessage().startsWith("lost the lead (")));
      Trees.createP(onS, "/app/meanwhile", "m");
      t.restart();

      await().atMost(Duration.ofSeconds(20)).until(first::leads);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(Trees.read(onT, "/"))
                      .isEqualTo(Trees.asPersistent(Trees.read(onS, "/"))));
      assertThat(election.list.stream().map(ILoggingEvent::getFormattedMessage))
          .filteredOn(m -> m.startsWith("elected leader ("))
          .hasSize(2);
    } finally {
      logger.detachAppender(election);
    }
  }

  /**
   * The leader's election node is deleted behind its back (an operator cleaning {@code /zk2zk_ha}):
   * a leader's latch does not watch its own node, but its next write to T finds the fence gone,
   * applies nothing, and makes it join the election again; it leads again with a new node, and the
   * change arrives.
   */
  @Test
  void aLeaderWhoseElectionNodeVanishesJoinsAgainAtItsNextWrite() throws Exception {
    ListAppender<ILoggingEvent> election = new ListAppender<>();
    election.start();
    Logger logger = (Logger) LoggerFactory.getLogger(LeaderElection.class);
    logger.addAppender(election);
    try {
      Trees.createP(onS, "/app", "a");
      first = ha();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(onT.exists("/app", false)).isNotNull());
      String path = LeaderElection.electionPath(DaemonKind.ALL_SYNC, "/");
      String node = path + "/" + onT.getChildren(path, false).get(0);
      onT.delete(node, -1);

      Trees.createP(onS, "/app/after", "b");
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(Trees.read(onT, "/"))
                      .isEqualTo(Trees.asPersistent(Trees.read(onS, "/"))));
      assertThat(election.list.stream().map(ILoggingEvent::getFormattedMessage))
          .contains(
              "a write found this instance's election node "
                  + node
                  + " gone from T: another instance may lead; stopping to sync and joining the"
                  + " election again")
          .filteredOn(m -> m.startsWith("elected leader ("))
          .hasSize(2);
      assertThat(onT.getChildren(path, false)).hasSize(1).doesNotContain(node);
    } finally {
      logger.detachAppender(election);
    }
  }
}
