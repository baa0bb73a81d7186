package io.zk2zk.records;

import io.zk2zk.decide.RecordName;
import java.util.Set;

/**
 * The names under {@code /zk2zk_migration} as listed when its {@code pzxid} (the last create or
 * delete of a child) was {@code pzxid}: while the pzxid is unchanged, exactly the set of records.
 */
public record RecordListing(Set<String> names, long pzxid) {

  /** Whether a record names {@code path}. */
  public boolean names(String path) {
    return !names.isEmpty() && names.contains(RecordName.escape(path));
  }
}
