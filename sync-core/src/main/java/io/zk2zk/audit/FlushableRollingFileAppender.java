package io.zk2zk.audit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The monitor log's file appender: with {@code immediateFlush} off it buffers lines, and the daemon
 * flushes it at the end of every batch of writes and at once for alarms and progress lines (see
 * {@link AuditLog#flush()}). A million-node pass then makes thousands of file writes, not a million
 * (one per line cost a third of the pass's own CPU), while the file stays as current as the batch
 * that wrote it.
 */
public class FlushableRollingFileAppender extends RollingFileAppender<ILoggingEvent> {

  /** Writes out the buffered lines; the lock is the one that writes and rollovers take. */
  public void flush() {
    streamWriteLock.lock();
    try {
      OutputStream out = getOutputStream();
      if (isStarted() && out != null) {
        out.flush();
      }
    } catch (IOException e) {
      addError("cannot flush " + getFile(), e);
    } finally {
      streamWriteLock.unlock();
    }
  }
}
