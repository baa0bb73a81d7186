package io.zk2zk.audit;

/** The OPERATION field of a monitor-log line, named as the original tool named them. */
public enum AuditOperation {
  EventNodeCreated,
  EventNodeDataChanged,
  EventNodeDeleted,
  MigrateEventNodeDeleteWithRecord,
  Alarm
}
