package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.DaemonKind;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Rule 33 with a real all_sync: a persistent node a client creates on T, which S does not have,
 * stays on T through passes (reported once), while a copy whose original S deleted is still
 * deleted, and a node T held before the migration keeps the old treatment. Every copy carries the
 * origin mark.
 */
class TargetClientNodesIT extends TwoServers {

  private static final ACL MARK = new ACL(0, new Id("digest", "zk2zk:copied-from-source"));

  private final ListAppender<ILoggingEvent> monitor = new ListAppender<>();
  private SyncDaemon daemon;

  @BeforeEach
  void listen() {
    monitor.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(monitor);
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(monitor);
  }

  private List<String> lines() {
    return monitor.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private long passes() {
    return lines().stream().filter(l -> l.startsWith("SrcNodeCount:")).count();
  }

  @Test
  void aClientsNodeOnTStaysWhileStaleCopiesGo() throws Exception {
    Trees.createP(onT, "/before", "on T before the migration");
    Trees.createP(onS, "/dubbo", "");
    Trees.createP(onS, "/dubbo/mapping", "");
    Trees.createP(onS, "/dubbo/mapping/com.a.Old", "app-a");
    daemon =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 1));
    daemon.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(onT.exists("/dubbo/mapping/com.a.Old", false)).isNotNull();
              assertThat(onT.exists("/before", false)).isNull();
            });
    for (String p : List.of("/dubbo", "/dubbo/mapping", "/dubbo/mapping/com.a.Old")) {
      assertThat(onT.getACL(p, new Stat())).as(p).contains(MARK);
    }

    // a client on T creates a node S does not have; S deletes one that T has a copy of
    Trees.createP(onT, "/dubbo/mapping/com.b.New", "app-b");
    onS.delete("/dubbo/mapping/com.a.Old", -1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> onT.exists("/dubbo/mapping/com.a.Old", false) == null);
    long seen = passes();
    await().atMost(Duration.ofSeconds(15)).until(() -> passes() >= seen + 3);

    assertThat(onT.getData("/dubbo/mapping/com.b.New", false, null)).isEqualTo("app-b".getBytes());
    assertThat(lines())
        .filteredOn(l -> l.endsWith("[/dubbo/mapping/com.b.New]"))
        .containsExactly(
            "[Alarm]\t[fail]\t[kept: created on the target by a client (no origin mark), not a"
                + " copy from the source (rule 33)]\t[/dubbo/mapping/com.b.New]");
    assertThat(lines())
        .contains("[EventNodeDeleted]\t[success]\t[]\t[/dubbo/mapping/com.a.Old]")
        .contains("[EventNodeDeleted]\t[success]\t[]\t[/before]");
  }
}
