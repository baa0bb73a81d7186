package io.zk2zk.audit;

/**
 * Told about every monitor-log line as it is written, so that counters (metrics) see exactly what
 * the audit trail shows. Called on the writing thread: must be quick and must not throw.
 */
public interface AuditListener {

  /** Nobody listens. */
  AuditListener NONE =
      new AuditListener() {
        @Override
        public void written(AuditOperation op, boolean success, String extra, String path) {}

        @Override
        public void alarmed(String path) {}
      };

  /** A write line: {@code [op]\t[success|fail]\t[extra]\t[path]}. */
  void written(AuditOperation op, boolean success, String extra, String path);

  /** An {@code Alarm} line. */
  void alarmed(String path);

  /** A client's change that a write undoes (the conflict policy). */
  default void conflicted(String path) {}
}
