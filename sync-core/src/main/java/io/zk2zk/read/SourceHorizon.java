package io.zk2zk.read;

import io.zk2zk.zk.NodeReader;
import java.util.List;

/**
 * Tells whether a source node has stayed unchanged since a complete pass aligned its target: the
 * evidence that a difference found by a pass was made on the target side, a conflict. A pass
 * records the newest {@code mzxid} it sees on the source; once a later pass, which started after
 * that one ended, completes, every source node whose {@code mzxid} is at most that value was
 * already in its present state when the later pass read it and wrote its target. A difference on
 * such a node was made after that pass, on the other side. Kept in memory: after a start, the first
 * two passes judge nothing.
 */
public final class SourceHorizon {

  // the newest mzxid seen by the passes that ended before the running one started
  private long seenBefore;
  // the newest mzxid seen by the running pass
  private long seenNow;
  private volatile long settledUpTo;

  /** A pass starts. */
  public synchronized void passStarted() {
    seenNow = 0;
  }

  /** The running pass read these source nodes. */
  public synchronized void observe(List<NodeReader.Result> sourceReads) {
    for (NodeReader.Result r : sourceReads) {
      seenNow = Math.max(seenNow, r.mzxid());
    }
  }

  /** The running pass ended; with {@code complete}, it read and aligned every node. */
  public synchronized void passEnded(boolean complete) {
    if (complete) {
      settledUpTo = seenBefore;
    }
    seenBefore = Math.max(seenBefore, seenNow);
  }

  /** Whether a source node last changed at {@code mzxid} is known not to have changed since. */
  public boolean settled(long mzxid) {
    return mzxid > 0 && mzxid <= settledUpTo;
  }
}
