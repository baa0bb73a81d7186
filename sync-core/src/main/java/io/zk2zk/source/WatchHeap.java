package io.zk2zk.source;

import java.util.Locale;

/**
 * What per-node watches (3.4/3.5 sources) cost this JVM's heap, and whether the heap can carry
 * them. The ZooKeeper client keeps, for every watched path, an entry in its watch table and a set
 * of watchers: about {@link #PER_WATCH} bytes per data or child watch, measured with a heap
 * histogram (docs/performance.md), plus the path itself. A million persistent nodes need about 520
 * MB, more than a 512 MB heap holds; the daemon says so when it starts or early in its first pass,
 * instead of running into full GCs and an {@link OutOfMemoryError}.
 */
public final class WatchHeap {

  /** Bytes the ZooKeeper client keeps per watch (map entry, watcher set, its table and entry). */
  static final int PER_WATCH = 216;

  /** Bytes of a path's String besides its characters. */
  static final int PER_PATH = 40;

  /**
   * The share of the heap the watches may take: the rest is for the walk's reads, the writes in
   * flight and the garbage collector's headroom (a 3.9 source's million-node pass fits in 512 MB).
   */
  static final double SHARE = 0.6;

  private final long maxHeap;
  private final long treeNodes;
  // the walking thread writes them all; the metrics thread reads bytes and lastWalk only, so the
  // counts the walk alone reads cost no volatile write per node
  private volatile long bytes;
  private volatile long lastWalk;
  private long nodes;
  private long pathChars;

  /**
   * @param maxHeap this JVM's maximum heap ({@link Runtime#maxMemory()})
   * @param treeNodes the source server's node count, or -1 when unknown (or when only a subtree is
   *     synced, so that the server's count says nothing about it)
   */
  public WatchHeap(long maxHeap, long treeNodes) {
    this.maxHeap = maxHeap;
    this.treeNodes = treeNodes;
  }

  /** The heap the watches of one node take: a data watch, and a child watch unless ephemeral. */
  static long perNode(String path, boolean ephemeral) {
    return PER_PATH + path.length() + (ephemeral ? 1 : 2) * (long) PER_WATCH;
  }

  /** The heap the watches may take. */
  long budget() {
    return (long) (maxHeap * SHARE);
  }

  /** A walk starts: its watches are counted from nothing. */
  public void reset() {
    lastWalk = bytes;
    bytes = 0;
    nodes = 0;
    pathChars = 0;
  }

  /**
   * Counts a node the walk read, and so watches.
   *
   * @throws WatchHeapExceeded when the watches exceed the budget, or would even if every node not
   *     walked yet (of the server's node count) held one watch only
   */
  public void add(String path, boolean ephemeral) {
    bytes += perNode(path, ephemeral);
    pathChars += path.length();
    nodes++;
    if (bytes > budget()) {
      throw exceeded(
          "the first " + count(nodes) + " nodes walked already need about", bytes, likely());
    }
    if (treeNodes > nodes && nodes % 1000 == 0) {
      // a lower bound: the walk goes level by level, and the persistent parents it meets first
      // hold more watches per node than a registry's ephemeral leaves below them
      long least = bytes + (treeNodes - nodes) * (PER_PATH + pathChars / nodes + PER_WATCH);
      if (least > budget()) {
        throw exceeded("its " + count(treeNodes) + " nodes need at least", least, likely());
      }
    }
  }

  /** The whole tree's watches as the nodes walked so far would have it: what to advise. */
  private long likely() {
    return treeNodes > nodes ? (long) ((double) bytes / nodes * treeNodes) : bytes;
  }

  /**
   * The watches' estimated heap, in bytes (a metric): the last complete walk's, or the current
   * walk's once it has counted more, so that the metric does not drop at each pass's start.
   */
  public long bytes() {
    return Math.max(bytes, lastWalk);
  }

  /**
   * Before the first walk: even if every node were an ephemeral one with a short path (one watch
   * each, the fewest), the server's node count would not fit.
   */
  public void checkBeforeStart() {
    if (treeNodes > 0) {
      long least = treeNodes * perNode("/a/b", true);
      if (least > budget()) {
        throw exceeded(
            "its " + count(treeNodes) + " nodes need, even with one watch each, at least",
            least,
            treeNodes * perNode("/a/b/c", false));
      }
    }
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private WatchHeapExceeded exceeded(String whoNeeds, long need, long adviseFor) {
    return new WatchHeapExceeded(
        String.format(
            Locale.ROOT,
            "the source has no persistent watches (ZooKeeper older than 3.6), so every node is"
                + " watched on its own: %s %d MB of heap for their watches, more than %.0f%% of"
                + " this JVM's %d MB; restart with JAVA_OPTS=-Xmx%s or more (or sync a smaller"
                + " --path)",
            whoNeeds,
            mb(need),
            SHARE * 100,
            mb(maxHeap),
            advisedHeap(Math.max(need, adviseFor))));
  }

  /** The heap to ask for: the watches' share of it, rounded up to a quarter of a gigabyte. */
  static String advisedHeap(long need) {
    long quarters = (long) Math.ceil(need / SHARE / (256.0 * 1024 * 1024));
    long megabytes = Math.max(1, quarters) * 256;
    return megabytes % 1024 == 0 ? megabytes / 1024 + "g" : megabytes + "m";
  }

  private static long mb(long bytes) {
    return Math.round(bytes / (1024.0 * 1024));
  }
}
