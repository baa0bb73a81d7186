package io.zk2zk.audit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Logging for one-shot commands such as {@code verify}: warnings and errors to stderr only, no log
 * file, and the ZooKeeper client's and Curator's retry chatter silenced (the command reports a
 * failure itself, in one line).
 */
public final class ConsoleLogSetup {

  private ConsoleLogSetup() {}

  /** Replaces any earlier configuration. */
  public static void configure() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %-5level %logger{0} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(ctx);
    stderr.setName("stderr");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    ctx.getLogger("org.apache.zookeeper").setLevel(Level.OFF);
    ctx.getLogger("org.apache.curator").setLevel(Level.OFF);
  }
}
