package io.zk2zk.read;

import io.zk2zk.decide.PathView;
import io.zk2zk.records.RecordListing;
import io.zk2zk.zk.NodeReader;
import java.util.List;

/**
 * A batch as read: the views the rules decide on (readable, in scope, with their records), the
 * source reads they came from (for the confirming re-read), and how the record checks were
 * answered.
 *
 * @param listing the record listing taken before the source reads, or null
 * @param listingCurrent whether that listing was still current after them, and answered the record
 *     checks: an unrecorded node read then was no t_sync copy, nothing to confirm
 * @param recordChecks how many views needed a record check
 */
public record BatchViews(
    List<PathView> views,
    List<NodeReader.Result> sourceReads,
    RecordListing listing,
    boolean listingCurrent,
    int recordChecks) {

  /** Nothing to decide. */
  public static final BatchViews EMPTY = new BatchViews(List.of(), List.of(), null, false, 0);
}
