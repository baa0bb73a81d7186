package io.zk2zk.audit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.zk2zk.config.LogSettings;
import java.io.File;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from the command line: the runtime log (file, optionally stdout) and the
 * monitor log (file only), each rotated by size, keeping at most {@code logMaxBackup} rotated
 * files' worth of data, optionally gzipped.
 */
public final class LogSetup {

  static final String TIMESTAMP = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ}";

  private LogSetup() {}

  /** Replaces any earlier configuration; creates the log folders. */
  public static void configure(LogSettings s) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    Level level = Level.toLevel(s.level(), Level.INFO);

    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(
        rollingFile(
            ctx, "runtime", s.logPath(), TIMESTAMP + " %-5level [%thread] %logger{0} - %msg%n", s));
    if (s.stdout()) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setContext(ctx);
      console.setName("stdout");
      console.setEncoder(encoder(ctx, TIMESTAMP + " %-5level [%thread] %logger{0} - %msg%n"));
      console.start();
      root.addAppender(console);
    }

    Logger monitor = ctx.getLogger(AuditLog.LOGGER);
    monitor.setAdditive(false);
    monitor.setLevel(Level.INFO);
    monitor.addAppender(
        rollingFile(ctx, "monitor", s.monitorLogPath(), TIMESTAMP + " %level %msg%n", s));

    // The ZooKeeper client logs every failed reconnect attempt (about once a second) and Curator
    // repeats it; the daemon logs an outage once itself, so keep theirs for debugging.
    Level libraries = level.levelInt <= Level.DEBUG_INT ? Level.INFO : Level.ERROR;
    ctx.getLogger("org.apache.zookeeper").setLevel(libraries);
    ctx.getLogger("org.apache.curator")
        .setLevel(level.levelInt <= Level.DEBUG_INT ? Level.INFO : Level.OFF);
  }

  private static RollingFileAppender<ILoggingEvent> rollingFile(
      LoggerContext ctx, String name, String path, String pattern, LogSettings s) {
    File file = new File(path).getAbsoluteFile();
    File dir = file.getParentFile();
    if (dir != null) {
      dir.mkdirs();
    }
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName(name);
    appender.setFile(file.getPath());

    String base =
        file.getName().endsWith(".log")
            ? file.getName().substring(0, file.getName().length() - 4)
            : file.getName();
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(appender);
    policy.setFileNamePattern(
        new File(dir, base + ".%d{yyyy-MM-dd}.%i.log" + (s.compress() ? ".gz" : "")).getPath());
    policy.setMaxFileSize(new FileSize(s.maxFileSizeMb() * FileSize.MB_COEFFICIENT));
    // keep at most logMaxBackup rotated files' worth of data, whatever their dates
    policy.setTotalSizeCap(
        new FileSize(
            (long) s.maxFileSizeMb() * FileSize.MB_COEFFICIENT * Math.max(1, s.maxBackup())));
    policy.setMaxHistory(3650);
    policy.start();

    appender.setRollingPolicy(policy);
    appender.setEncoder(encoder(ctx, pattern));
    appender.start();
    return appender;
  }

  private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(pattern);
    e.start();
    return e;
  }
}
