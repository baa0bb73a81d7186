package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.SyncDaemon;
import io.zk2zk.audit.AuditLog;
import io.zk2zk.config.Credential;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.SideSecurity;
import io.zk2zk.config.SyncConfig;
import io.zk2zk.zk.Acls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A digest-protected source migrated with credentials on both sides and --copyAcl. */
class AclIT extends TwoServers {

  private SyncDaemon daemon;
  private final ListAppender<ILoggingEvent> monitor = new ListAppender<>();

  @BeforeEach
  void start() throws Exception {
    onS.addAuthInfo("digest", "app:app-secret".getBytes());
    onT.addAuthInfo("digest", "app:app-secret".getBytes());
    monitor.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(monitor);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(monitor);
    if (daemon != null) {
      daemon.close();
    }
  }

  private static List<ACL> digestAcl(String userAndPassword, int perms) throws Exception {
    String id = DigestAuthenticationProvider.generateDigest(userAndPassword);
    return new ArrayList<>(List.of(new ACL(perms, new Id("digest", id))));
  }

  @Test
  void aclsAreCopiedAndAnUnreadableNodeIsReportedWhileTheRestSyncs() throws Exception {
    List<ACL> app = digestAcl("app:app-secret", ZooDefs.Perms.ALL);
    List<ACL> mixed = new ArrayList<>(app);
    mixed.add(new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")));
    onS.create("/secure", "s".getBytes(), app, CreateMode.PERSISTENT);
    onS.create("/secure/child", "c".getBytes(), mixed, CreateMode.PERSISTENT);
    onS.create("/open", "o".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    onS.create(
        "/private", "p".getBytes(), digestAcl("other:x", ZooDefs.Perms.ALL), CreateMode.PERSISTENT);

    Credential cred = Credential.parse("digest:app:app-secret");
    SyncConfig base =
        DaemonFixture.config(
            DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60);
    SyncConfig config =
        new SyncConfig(
            base.kind(),
            base.sourceConnect(),
            base.targetConnect(),
            base.sourceSession(),
            base.targetSession(),
            base.path(),
            base.reconcileInterval(),
            base.startTimeout(),
            base.massDeletePercent(),
            base.massDeleteMinimum(),
            base.watchMode(),
            new SideSecurity(List.of(cred), null),
            new SideSecurity(List.of(cred), null),
            true,
            base.tuning(),
            base.logs(),
            base.run());
    daemon = new SyncDaemon(config);
    daemon.start();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(onT.exists("/secure/child", false)).isNotNull();
              assertThat(onT.exists("/open", false)).isNotNull();
            });
    for (String p : List.of("/secure", "/secure/child", "/open")) {
      // S's ACL, plus the origin mark of all_sync's copies (no rights)
      assertThat(new HashSet<>(onT.getACL(p, null)))
          .as(p)
          .isEqualTo(new HashSet<>(Acls.marked(Acls.toEntries(onS.getACL(p, null)))));
      assertThat(onT.getData(p, false, null)).isEqualTo(onS.getData(p, false, null));
    }
    assertThat(onT.exists("/private", false)).isNull();
    assertThat(monitor.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .contains("[Alarm]\t[fail]\t[cannot read: NOAUTH]\t[/private]");

    // an ACL change on S (no watch event exists for it) reaches T with the next pass;
    // live data changes keep flowing meanwhile
    onS.setData("/secure/child", "c2".getBytes(), -1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> new String(onT.getData("/secure/child", false, null)).equals("c2"));
  }
}
