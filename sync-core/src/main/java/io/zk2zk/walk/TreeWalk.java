package io.zk2zk.walk;

import io.zk2zk.config.DaemonKind;
import io.zk2zk.decide.NodeState;
import io.zk2zk.decide.SyncRules;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.source.WatchUpkeep;
import io.zk2zk.zk.NodeReader;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks the trees level by level, a chunk of paths at a time (memory holds one level's paths, not
 * the tree; no recursion), and hands each chunk's reads to a {@link Visitor} in walk order: a full
 * pass decides and writes, {@code verify} classifies. The next chunk's reads are in flight while a
 * chunk is visited.
 *
 * <p>all_sync reads S and T in lockstep and descends into the union of both sides' children; below
 * a node found absent on T, T is not read (ZooKeeper has no orphans: the children were absent too
 * when their parent was read). t_sync reads its source T and reads S only where T holds an
 * ephemeral or a record names the path.
 */
public final class TreeWalk {

  /** One chunk's reads: one result per path on each side, in the same order. */
  public record Chunk(
      int depth,
      List<String> paths,
      Set<String> claimed,
      List<NodeReader.Result> src,
      List<NodeReader.Result> tgt) {

    /** Whether both sides of position {@code i} were read. */
    public boolean readable(int i) {
      return src.get(i).error() == null && tgt.get(i).error() == null;
    }
  }

  /** What a walk's chunks are handed to. */
  public interface Visitor {
    /** Claims paths before they are read; returns those claimed. */
    Set<String> claim(List<String> paths);

    /** Gives back a claim the walk took and will not hand over. */
    void release(Set<String> claimed);

    /** Visits a chunk in walk order; from here the chunk's claim is the visitor's. */
    void visit(Chunk chunk) throws SideUnavailableException, InterruptedException;
  }

  /** How children are visited: as the server lists them, or sorted (a report's stable order). */
  public enum ChildOrder {
    AS_LISTED,
    SORTED
  }

  private final ZkSide source;
  private final ZkSide target;
  private final DaemonKind kind;
  private final SyncRules rules;
  private final SyncScope scope;
  private final WatchUpkeep watches;
  private final int chunkSize;
  private final boolean withAcl;
  private final ChildOrder order;

  /**
   * @param withAcl read each node's ACL too ({@code --copyAcl})
   */
  public TreeWalk(
      ZkSide source,
      ZkSide target,
      DaemonKind kind,
      SyncScope scope,
      WatchUpkeep watches,
      int chunkSize,
      boolean withAcl,
      ChildOrder order) {
    this.source = source;
    this.target = target;
    this.kind = kind;
    this.rules = kind.rules();
    this.scope = scope;
    this.watches = watches;
    this.chunkSize = chunkSize;
    this.withAcl = withAcl;
    this.order = order;
  }

  /** A chunk claimed, its reads sent and their replies not collected yet. */
  private record Reading(
      List<String> paths, Set<String> claimed, NodeReader.Pending src, NodeReader.Pending tgt) {}

  /** The paths of one level, and which of them are known to be absent on the target. */
  private static final class Level {
    final List<String> paths = new ArrayList<>();
    final BitSet absentOnTarget = new BitSet();
  }

  /**
   * Walks from the scope's root to the leaves.
   *
   * @param recorded the paths records name (t_sync reads S for them)
   */
  public void run(Visitor visitor, Set<String> recorded)
      throws SideUnavailableException, InterruptedException {
    run(visitor, recorded, ReadPace.NONE);
  }

  /**
   * As above, reading the source no faster than {@code pace} allows. A paced walk does not read
   * ahead: it waits holding no claim, so that watch-driven changes are never held up by the wait.
   */
  public void run(Visitor visitor, Set<String> recorded, ReadPace pace)
      throws SideUnavailableException, InterruptedException {
    boolean readAhead = !pace.limits();
    watches.walkStarted();
    Level level = new Level();
    level.paths.add(scope.root());
    for (int depth = 0; !level.paths.isEmpty(); depth++) {
      Level next = new Level();
      Reading ahead = startReading(level, 0, visitor, pace);
      try {
        for (int from = 0; from < level.paths.size(); from += chunkSize) {
          Reading current = ahead != null ? ahead : startReading(level, from, visitor, pace);
          ahead = null;
          boolean handedOver = false;
          try {
            if (readAhead && from + chunkSize < level.paths.size()) {
              ahead = startReading(level, from + chunkSize, visitor, pace);
            }
            Chunk chunk = collect(depth, current, recorded);
            addChildren(chunk, next);
            handedOver = true; // from here the claim is the visitor's
            visitor.visit(chunk);
          } finally {
            if (!handedOver) {
              visitor.release(current.claimed());
            }
          }
        }
      } finally {
        if (ahead != null) {
          visitor.release(ahead.claimed());
        }
      }
      level = next;
    }
  }

  /**
   * Reads the paths that records (t_sync: gone from T) or copy receipts name and the walk did not
   * meet, a chunk at a time, sorted, and hands each chunk over unclaimed.
   */
  public void visitRecorded(Collection<String> paths, Visitor visitor)
      throws SideUnavailableException, InterruptedException {
    List<String> rest = new ArrayList<>(new TreeSet<>(paths));
    rest.removeIf(p -> !scope.contains(p));
    for (int from = 0; from < rest.size(); from += chunkSize) {
      List<String> chunk = rest.subList(from, Math.min(rest.size(), from + chunkSize));
      NodeReader.Pending src = NodeReader.issue(source, chunk, false, null, withAcl);
      List<NodeReader.Result> tgt = NodeReader.read(target, chunk, false, null, withAcl);
      visitor.visit(new Chunk(-1, chunk, Set.of(), src.get(), tgt));
    }
  }

  /**
   * Claims the chunk of {@code level} that starts at {@code from}, then sends its reads. Claimed
   * before reading: the walk's reads are then reads under the claim, and a write is decided from
   * them instead of from a second read of both sides.
   */
  private Reading startReading(Level level, int from, Visitor visitor, ReadPace pace)
      throws InterruptedException {
    List<String> paths = level.paths.subList(from, Math.min(level.paths.size(), from + chunkSize));
    pace.before(paths.size()); // before the claim: a paced walk holds no claim while it waits
    Set<String> claimed = visitor.claim(paths);
    try {
      NodeReader.Pending src = NodeReader.issue(source, paths, true, watches.watcher(), withAcl);
      NodeReader.Pending tgt =
          kind.walksTarget()
              ? NodeReader.issue(target, notAbsentOnTarget(paths, from, level), true, null, withAcl)
              : null;
      return new Reading(paths, claimed, src, tgt);
    } catch (RuntimeException e) {
      visitor.release(claimed);
      throw e;
    }
  }

  /** Collects a chunk's replies. */
  private Chunk collect(int depth, Reading reading, Set<String> recorded)
      throws SideUnavailableException, InterruptedException {
    List<NodeReader.Result> src = reading.src().get();
    watches.afterRead(source, src);
    List<NodeReader.Result> tgt =
        kind.walksTarget()
            ? withAbsent(reading.paths(), reading.tgt().get())
            : readTargetForTSync(reading.paths(), src, recorded);
    return new Chunk(depth, reading.paths(), reading.claimed(), src, tgt);
  }

  /** Adds the chunk's children that the walk visits to the next level. */
  private void addChildren(Chunk chunk, Level next) {
    for (int i = 0; i < chunk.paths().size(); i++) {
      if (!chunk.readable(i)) {
        continue; // nothing below it is visited: nothing under it is deleted either
      }
      String p = chunk.paths().get(i);
      var s = chunk.src().get(i).state();
      var t = chunk.tgt().get(i).state();
      if (s.exists()) {
        watches.walked(p, s);
      }
      boolean absentOnTarget = kind.walksTarget() && !t.exists();
      for (String c : childrenOfEither(s.children(), kind.walksTarget() ? t.children() : null)) {
        String child = SyncScope.child(p, c);
        if (scope.walks(child)) {
          if (absentOnTarget) {
            next.absentOnTarget.set(next.paths.size());
          }
          next.paths.add(child);
        }
      }
    }
  }

  /**
   * The union of both sides' children; most nodes of a large tree are leaves, or have the same
   * children on both sides, and get no set of their own.
   */
  private Collection<String> childrenOfEither(List<String> source, List<String> target) {
    if (order == ChildOrder.SORTED) {
      Set<String> sorted = new TreeSet<>();
      if (source != null) {
        sorted.addAll(source);
      }
      if (target != null) {
        sorted.addAll(target);
      }
      return sorted;
    }
    if (target == null || target.isEmpty()) {
      return source != null ? source : List.of();
    }
    if (source == null || source.isEmpty() || source.equals(target)) {
      return target;
    }
    Set<String> union = new LinkedHashSet<>(source);
    union.addAll(target);
    return union;
  }

  /** The chunk's paths whose parent the walk found present on T. */
  private static List<String> notAbsentOnTarget(List<String> chunk, int from, Level level) {
    BitSet absent = level.absentOnTarget.get(from, from + chunk.size());
    if (absent.isEmpty()) {
      return chunk;
    }
    List<String> out = new ArrayList<>(chunk.size() - absent.cardinality());
    for (int i = 0; i < chunk.size(); i++) {
      if (!absent.get(i)) {
        out.add(chunk.get(i));
      }
    }
    return out;
  }

  /**
   * One result per chunk path: the reads of those read, ABSENT for the others, as a read would have
   * answered when their parent was read. (Such a node created on T since then gets a create that
   * finds it, then a sync from fresh reads.)
   */
  private static List<NodeReader.Result> withAbsent(
      List<String> chunk, List<NodeReader.Result> read) {
    if (read.size() == chunk.size()) {
      return read;
    }
    List<NodeReader.Result> out = new ArrayList<>(chunk.size());
    int j = 0;
    for (String p : chunk) {
      if (j < read.size() && read.get(j).path().equals(p)) {
        out.add(read.get(j++));
      } else {
        out.add(new NodeReader.Result(p, NodeState.ABSENT, null));
      }
    }
    return out;
  }

  /** t_sync only needs S where T holds an ephemeral or a record names the path. */
  private List<NodeReader.Result> readTargetForTSync(
      List<String> chunk, List<NodeReader.Result> src, Set<String> recorded)
      throws SideUnavailableException, InterruptedException {
    List<String> wanted = new ArrayList<>();
    for (NodeReader.Result s : src) {
      if (s.state() != null && (rules.needsTarget(s.state()) || recorded.contains(s.path()))) {
        wanted.add(s.path());
      }
    }
    return NodeReader.readOnly(target, chunk, wanted, withAcl);
  }
}
