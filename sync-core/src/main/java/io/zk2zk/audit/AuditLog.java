package io.zk2zk.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor log: one line per write ({@code [OPERATION]\t[RESULT]\t[EXTRA]\t[PATH]}) and one
 * progress line per full reconcile pass. Both formats are a contract with the users' greps.
 */
public final class AuditLog {

  /** Name of the logger that the log setup routes to the monitor file. */
  public static final String LOGGER = "zk2zk.monitor";

  private final Logger monitor = LoggerFactory.getLogger(LOGGER);
  private final AuditListener listener;

  public AuditLog() {
    this(AuditListener.NONE);
  }

  /** An audit log that also tells {@code listener} about every line (metrics). */
  public AuditLog(AuditListener listener) {
    this.listener = listener;
  }

  /** One write the daemon made or failed to make. */
  public void write(AuditOperation op, boolean success, String extra, String path) {
    if (monitor.isInfoEnabled()) {
      // one line per node copied: concatenated here, not parsed for placeholders per line
      monitor.info(
          "["
              + op
              + "]\t["
              + (success ? "success" : "fail")
              + "]\t["
              + clean(extra)
              + "]\t["
              + path
              + "]");
    }
    listener.written(op, success, extra, path);
  }

  /** A condition the operator should look at; nothing was written. In the file at once. */
  public void alarm(String path, String reason) {
    monitor.warn("[{}]\t[{}]\t[{}]\t[{}]", AuditOperation.Alarm, "fail", clean(reason), path);
    listener.alarmed(path);
    flush();
  }

  /**
   * A client's change that a write undoes (the conflict policy): counted every time, and with
   * {@code line} an {@code Alarm} line too. In the file at once.
   */
  public void conflict(String path, String report, boolean line) {
    if (line) {
      monitor.warn("[{}]\t[{}]\t[{}]\t[{}]", AuditOperation.Alarm, "fail", clean(report), path);
      listener.alarmed(path);
      flush();
    }
    listener.conflicted(path);
  }

  /** The progress line of one full reconcile pass. In the file at once. */
  public void progress(long sourceCount, long targetCount, long changedCount) {
    monitor.info(
        "SrcNodeCount: [{}]\tDstNodeCount: [{}]\tChangedNodeCount: [{}]",
        sourceCount,
        targetCount,
        changedCount);
    flush();
  }

  /**
   * Puts the lines written so far into the file: called at the end of every batch of writes. (With
   * a configuration whose monitor appender flushes every line, there is nothing to do.)
   */
  public void flush() {
    if (monitor instanceof ch.qos.logback.classic.Logger logger) {
      var appenders = logger.iteratorForAppenders();
      while (appenders.hasNext()) {
        if (appenders.next() instanceof FlushableRollingFileAppender f) {
          f.flush();
        }
      }
    }
  }

  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
