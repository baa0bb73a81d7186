package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.WatchMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A new registration on S is created on T without reading T first (one round trip to a far T).
 * Where T had the path after all, nothing is written blindly: the path is read and decided as any
 * other, and the monitor log shows only what the rules did.
 */
class BlindCreatesIT extends TwoServers {

  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private final ListAppender<ILoggingEvent> monitor = new ListAppender<>();
  private SyncDaemon allSync;
  private ZooKeeper onSClient;
  private ZooKeeper onTClient;

  @BeforeEach
  void listen() {
    monitor.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(monitor);
  }

  @AfterEach
  void stop() throws Exception {
    if (allSync != null) {
      allSync.close();
    }
    for (ZooKeeper zk : new ZooKeeper[] {onSClient, onTClient}) {
      if (zk != null) {
        zk.close();
      }
    }
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(monitor);
  }

  private List<String> linesOf(String path) {
    return monitor.list.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(l -> l.endsWith("[" + path + "]"))
        .toList();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(
      value = WatchMode.class,
      names = {"PERSISTENT", "PER_NODE"})
  void aRegistrationIsCreatedOnceAndWhatTAlreadyHadIsDecidedFromReads(WatchMode mode)
      throws Exception {
    Trees.createP(onS, "/svc", "");
    Trees.createP(onS, "/svc/providers", "");
    Trees.createP(onT, "/svc", "");
    Trees.createP(onT, "/svc/providers", "");
    // T holds a stale copy of one instance (gone at the first pass: the path is absent on T when
    // S registers it again), and a live registration of a client on T at another
    Trees.createP(onT, "/svc/providers/stale", "old");
    onTClient = Trees.connect(t.getConnectString());
    onTClient.create(
        "/svc/providers/both",
        bytes("on T"),
        org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.EPHEMERAL);
    allSync =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60, mode));
    allSync.start();
    await().atMost(DEADLINE).until(() -> onT.exists("/zk2zk_ha/origin_marks", false) != null);
    await().atMost(DEADLINE).until(() -> onT.exists("/svc/providers/stale", false) == null);

    onSClient = Trees.connect(s.getConnectString());
    for (String name : List.of("new", "both", "stale")) {
      onSClient.create(
          "/svc/providers/" + name,
          bytes("on S"),
          org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.EPHEMERAL);
    }

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(onT.getData("/svc/providers/new", false, null)).isEqualTo(bytes("on S"));
              assertThat(onT.getData("/svc/providers/stale", false, null)).isEqualTo(bytes("on S"));
              assertThat(linesOf("/svc/providers/both")).isNotEmpty();
            });
    assertThat(linesOf("/svc/providers/new"))
        .containsExactly("[EventNodeCreated]\t[success]\t[]\t[/svc/providers/new]");
    assertThat(linesOf("/svc/providers/stale"))
        .containsExactly(
            "[EventNodeDeleted]\t[success]\t[]\t[/svc/providers/stale]",
            "[EventNodeCreated]\t[success]\t[]\t[/svc/providers/stale]");
    // rule 8: T's client's live registration is never written
    assertThat(onT.getData("/svc/providers/both", false, null)).isEqualTo(bytes("on T"));
    assertThat(onT.exists("/svc/providers/both", false).getEphemeralOwner()).isNotZero();
    assertThat(linesOf("/svc/providers/both"))
        .allMatch(l -> l.startsWith("[Alarm]\t[fail]\t[ephemeral on both sides"));
  }
}
