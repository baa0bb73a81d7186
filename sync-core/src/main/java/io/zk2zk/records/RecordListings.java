package io.zk2zk.records;

import io.zk2zk.zk.SideUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' latest listing of {@code /zk2zk_migration}. While no record is created or deleted
 * (its {@code pzxid} unchanged), one small check per batch answers every record check of the batch
 * and spares the confirming re-read, instead of a read per path for each. It is listed again after
 * a batch it could not answer, when the listing is small next to what it replaces, and not while
 * records churn faster than batches come (listings that went stale before any use back off).
 */
public final class RecordListings {

  private static final Logger log = LoggerFactory.getLogger(RecordListings.class);

  /** Listing costs about one record check per this many names. */
  static final int NAMES_PER_CHECK = 32;

  /** At most this many missed batches between listings while records churn. */
  static final int MAX_BACKOFF = 64;

  private final MigrationRecords records;
  private RecordListing latest;
  private boolean latestUsed;
  private int lastSize;
  private int backoff;
  private int skip;
  private boolean listing;

  public RecordListings(MigrationRecords records) {
    this.records = records;
  }

  /** The listing to take before a batch's source reads, or {@code null}. */
  public synchronized RecordListing latest() {
    return latest;
  }

  /** {@code used} answered a batch. */
  public synchronized void used(RecordListing used) {
    if (used == latest) {
      latestUsed = true;
      backoff = 0;
    }
  }

  /**
   * A batch needed {@code checks} record checks that {@code stale} (the listing it took, maybe
   * {@code null}) could not answer: lists again when that is worth it.
   */
  public void missed(RecordListing stale, int checks) throws InterruptedException {
    synchronized (this) {
      if (stale != null && stale == latest) {
        latest = null;
        if (!latestUsed) {
          // records changed before a single batch could use it: wait longer before the next
          backoff = Math.min(MAX_BACKOFF, Math.max(1, backoff * 2));
          skip = backoff;
        }
      }
      if (listing || latest != null) {
        return;
      }
      if (skip > 0) {
        skip--;
        return;
      }
      if (lastSize > (long) NAMES_PER_CHECK * checks) {
        return; // a larger batch lists it
      }
      listing = true;
    }
    RecordListing fresh = null;
    try {
      fresh = list();
    } finally {
      synchronized (this) {
        listing = false;
        if (fresh != null) {
          latest = fresh;
          latestUsed = false;
          lastSize = fresh.names().size();
        }
      }
    }
  }

  private RecordListing list() throws InterruptedException {
    try {
      return records.listNames();
    } catch (SideUnavailableException e) {
      // no listing: the batches check record by record until one is taken
      log.debug("records not listed for the workers: {}", e.getMessage());
      return null;
    }
  }
}
