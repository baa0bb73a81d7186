package io.zk2zk.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The monitor-log formats that users grep, byte for byte (docs/cli-and-logs.md, "Monitor log"). */
class AuditLogTest {

  private Logger monitor;
  private ListAppender<ILoggingEvent> captured;
  private Level savedLevel;
  private boolean savedAdditive;

  @BeforeEach
  void attach() {
    // A private appender on the monitor logger only; everything is restored after each test so
    // that other tests in this JVM see the logging configuration they expect.
    monitor = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
    savedLevel = monitor.getLevel();
    savedAdditive = monitor.isAdditive();
    monitor.setLevel(Level.INFO);
    monitor.setAdditive(false);
    captured = new ListAppender<>();
    captured.setContext(monitor.getLoggerContext());
    captured.start();
    monitor.addAppender(captured);
  }

  @AfterEach
  void detach() {
    monitor.detachAppender(captured);
    captured.stop();
    monitor.setLevel(savedLevel);
    monitor.setAdditive(savedAdditive);
  }

  private List<String> messages() {
    return captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void writeLine() {
    new AuditLog().write(AuditOperation.EventNodeCreated, true, "", "/a b");
    assertThat(messages()).containsExactly("[EventNodeCreated]\t[success]\t[]\t[/a b]");
    assertThat(captured.list.get(0).getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void failedWriteWithReasonAndNullExtra() {
    AuditLog audit = new AuditLog();
    audit.write(AuditOperation.EventNodeDeleted, false, "NOTEMPTY", "/svc/x");
    audit.write(AuditOperation.EventNodeDataChanged, true, null, "/svc/y");
    audit.write(AuditOperation.MigrateEventNodeDeleteWithRecord, true, "has deleted", "/svc/z");
    assertThat(messages())
        .containsExactly(
            "[EventNodeDeleted]\t[fail]\t[NOTEMPTY]\t[/svc/x]",
            "[EventNodeDataChanged]\t[success]\t[]\t[/svc/y]",
            "[MigrateEventNodeDeleteWithRecord]\t[success]\t[has deleted]\t[/svc/z]");
  }

  @Test
  void extraCannotBreakTheFourFields() {
    // A tab or newline in a reason would split the line that users cut on tabs.
    new AuditLog().write(AuditOperation.EventNodeCreated, false, "a\tb\nc", "/p");
    assertThat(messages()).containsExactly("[EventNodeCreated]\t[fail]\t[a b c]\t[/p]");
  }

  @Test
  void alarmLine() {
    new AuditLog().alarm("/svc/e", "ephemeral on both sides");
    assertThat(messages()).hasSize(1);
    assertThat(messages().get(0))
        .startsWith("[Alarm]\t[")
        .endsWith("]\t[ephemeral on both sides]\t[/svc/e]");
  }

  @Test
  void progressLine() {
    new AuditLog().progress(3, 3, 0);
    assertThat(messages())
        .containsExactly("SrcNodeCount: [3]\tDstNodeCount: [3]\tChangedNodeCount: [0]");
    assertThat(captured.list.get(0).getLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void progressLineWithLargeCountsHasNoGrouping() {
    // Locale-style grouping (1,234,567) would break numeric greps.
    new AuditLog().progress(1234567, 1234560, 7);
    assertThat(messages())
        .containsExactly("SrcNodeCount: [1234567]\tDstNodeCount: [1234560]\tChangedNodeCount: [7]");
  }
}
