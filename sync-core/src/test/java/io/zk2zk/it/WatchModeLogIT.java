package io.zk2zk.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zk2zk.SyncDaemon;
import io.zk2zk.config.DaemonKind;
import io.zk2zk.config.WatchMode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The start log names the watches the daemon chose, not what the source could do: the test servers
 * run ZooKeeper 3.6+, where {@code --watchMode per-node} still sets per-node watches.
 */
class WatchModeLogIT extends TwoServers {

  private final Logger daemonLog = (Logger) LoggerFactory.getLogger(SyncDaemon.class);
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private SyncDaemon daemon;

  @BeforeEach
  void capture() {
    captured.setContext(daemonLog.getLoggerContext());
    captured.start();
    daemonLog.addAppender(captured);
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    daemonLog.detachAppender(captured);
    captured.stop();
  }

  @ParameterizedTest
  @CsvSource({
    "AUTO, one persistent recursive watch",
    "PERSISTENT, one persistent recursive watch",
    "PER_NODE, a data watch per node and a child watch per persistent node"
  })
  void theStartLogNamesTheChosenWatches(WatchMode mode, String watches) throws Exception {
    daemon =
        new SyncDaemon(
            DaemonFixture.config(
                DaemonKind.ALL_SYNC, s.getConnectString(), t.getConnectString(), "/", 60, mode));
    daemon.start();

    // logged on the starting thread, before start() returns
    List<String> watching =
        captured.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains(" watching "))
            .toList();
    assertThat(watching).containsExactly("all_sync: watching / on the source with " + watches);
  }
}
