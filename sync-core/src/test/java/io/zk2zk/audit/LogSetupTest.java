package io.zk2zk.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.zk2zk.config.LogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log files the flags ask for: paths, formats, rotation by size with gzip, bad configs. */
class LogSetupTest {

  @TempDir Path dir;

  @AfterEach
  void restoreTestLogging() throws Exception {
    System.clearProperty(LogSetup.CONFIG_PROPERTY);
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
  }

  private LogSettings settings(int maxFileSizeMb, int maxBackup, boolean compress) {
    return new LogSettings(
        "info",
        dir.resolve("runtime/all_sync.log").toString(),
        dir.resolve("monitor/all_sync.log").toString(),
        maxFileSizeMb,
        maxBackup,
        compress,
        false);
  }

  private List<String> files(String sub) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(sub))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesBothLogsWhereTheFlagsSay() throws Exception {
    LogSetup.configure(settings(30, 30, false));
    LoggerFactory.getLogger(LogSetupTest.class).info("runtime line");
    AuditLog audit = new AuditLog();
    audit.write(AuditOperation.EventNodeCreated, true, "", "/a");
    audit.flush(); // what the end of every batch of writes does
    assertThat(Files.readString(dir.resolve("runtime/all_sync.log")))
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d{4} INFO  \\[[^]]+\\]"
                + " LogSetupTest - runtime line\\n");
    assertThat(Files.readString(dir.resolve("monitor/all_sync.log")))
        .endsWith(" INFO [EventNodeCreated]\t[success]\t[]\t[/a]\n")
        .doesNotContain("runtime line");
  }

  @Test
  void aBatchsWriteLinesReachTheFileTogetherAtItsEndAlarmsAndProgressAtOnce() throws Exception {
    LogSetup.configure(settings(30, 30, false));
    Path monitor = dir.resolve("monitor/all_sync.log");
    AuditLog audit = new AuditLog();
    audit.write(AuditOperation.EventNodeCreated, true, "", "/a");
    audit.write(AuditOperation.EventNodeCreated, true, "", "/b");
    // buffered: one file write per batch, not per line
    assertThat(Files.readString(monitor)).isEmpty();
    audit.flush();
    assertThat(Files.readAllLines(monitor))
        .hasSize(2)
        .allMatch(l -> l.endsWith("[/a]") || l.endsWith("[/b]"));

    audit.alarm("/c", "ephemeral on both sides");
    assertThat(Files.readString(monitor)).endsWith("[ephemeral on both sides]\t[/c]\n");
    audit.progress(3, 3, 0);
    assertThat(Files.readString(monitor))
        .endsWith("SrcNodeCount: [3]\tDstNodeCount: [3]\tChangedNodeCount: [0]\n");
  }

  @Test
  void rotatesBySizeIntoDatedGzippedFiles() throws Exception {
    LogSetup.configure(settings(1, 2, true));
    Logger monitor = LoggerFactory.getLogger(AuditLog.LOGGER);
    String line = "x".repeat(1000);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO)
        .until(
            () -> {
              for (int i = 0; i < 1000; i++) {
                monitor.info(line);
              }
              return files("monitor").stream().filter(f -> f.endsWith(".log.gz")).count() >= 3;
            });
    // Logback gzips a rolled file asynchronously through a temporary file; let the last one finish
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> files("monitor").stream().noneMatch(f -> f.endsWith(".tmp")));
    List<String> monitorFiles = files("monitor");
    assertThat(monitorFiles).contains("all_sync.log");
    assertThat(monitorFiles)
        .filteredOn(f -> !f.equals("all_sync.log"))
        .allMatch(f -> f.matches("all_sync\\.\\d{4}-\\d\\d-\\d\\d\\.\\d+\\.log\\.gz"));
    // the active file rotates near its limit (checked every second, not once a minute)
    assertThat(Files.size(dir.resolve("monitor/all_sync.log"))).isLessThan(20L * 1024 * 1024);
  }

  @Test
  void aBrokenConfigurationFileIsOneClearError() throws Exception {
    Path bad = dir.resolve("logback.xml");
    Files.writeString(
        bad,
        "<configuration><appender name=\"x\" class=\"no.Such\"/>"
            + "<root><appender-ref ref=\"x\"/></root></configuration>");
    System.setProperty(LogSetup.CONFIG_PROPERTY, bad.toString());
    assertThatThrownBy(() -> LogSetup.configure(settings(30, 30, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(bad.toString())
        .hasMessageContaining("no.Such");

    System.setProperty(LogSetup.CONFIG_PROPERTY, dir.resolve("missing.xml").toString());
    assertThatThrownBy(() -> LogSetup.configure(settings(30, 30, false)))
        .hasMessage("cannot read " + dir.resolve("missing.xml") + ": no such file");
  }
}
