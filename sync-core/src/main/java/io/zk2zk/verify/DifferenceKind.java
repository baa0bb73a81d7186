package io.zk2zk.verify;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What {@code verify} found wrong with one path, named from the write the daemon's rules would make
 * there. All but {@link #KEPT} mean "not in sync".
 */
public enum DifferenceKind {
  /** The rules would create it on the target. */
  MISSING("missing", true),
  /** The rules would delete it on the target. */
  EXTRA("extra", true),
  /** The rules would set its data on the target. */
  DATA("data", true),
  /** The rules would set its ACL on the target ({@code --copyAcl}); the data is equal. */
  ACL("acl", true),
  /** t_sync would write again the missing record of a live copy on S. */
  MISSING_RECORD("missing-record", true),
  /** t_sync would remove a record that names nothing it owns. */
  STRAY_RECORD("stray-record", true),
  /** An ephemeral on both sides: conflicting live registrations, which no daemon resolves. */
  CONFLICT("conflict", true),
  /** A node that could not be read (e.g. NOAUTH): "in sync" cannot be confirmed. */
  UNREADABLE("unreadable", true),
  /**
   * A warning: absent on the source, but all_sync keeps it on the target for a live ephemeral below
   * it ("in sync" allows it).
   */
  KEPT("kept", false);

  private final String label;
  private final boolean failsVerify;

  DifferenceKind(String label, boolean failsVerify) {
    this.label = label;
    this.failsVerify = failsVerify;
  }

  /** The name printed and written to the JSON report. */
  @JsonValue
  public String label() {
    return label;
  }

  /** False for warnings that do not make the ensembles "not in sync". */
  public boolean failsVerify() {
    return failsVerify;
  }
}
