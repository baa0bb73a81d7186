package io.zk2zk.zk;

import io.zk2zk.decide.NodeKind;
import io.zk2zk.decide.NodeState;
import io.zk2zk.outcome.OutcomePolicy;
import io.zk2zk.outcome.Request;
import io.zk2zk.outcome.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;

/** Reads many paths of one side at once, pipelined; NONODE is an answer (ABSENT), not an error. */
public final class NodeReader {

  /**
   * One path's read.
   *
   * @param error non-null when this node could not be read (for example NOAUTH)
   * @param czxid the zxid that created the node, 0 when absent or unknown
   * @param mzxid the zxid that last changed its data, 0 when absent or unknown
   */
  public record Result(
      String path, NodeState state, Code error, long nextSequence, long czxid, long mzxid) {
    public Result(String path, NodeState state, Code error) {
      this(path, state, error, 0, 0, 0);
    }

    public Result(String path, NodeState state, Code error, long nextSequence) {
      this(path, state, error, nextSequence, 0, 0);
    }
  }

  /**
   * The suffix ZooKeeper gives the next sequential child: a per-parent count of child creates,
   * which clients see only as {@code (cversion + numChildren) / 2}.
   */
  public static long nextSequence(org.apache.zookeeper.data.Stat stat) {
    return ((long) stat.getCversion() + stat.getNumChildren()) / 2;
  }

  private NodeReader() {}

  /**
   * Reads data and stat (and children when asked) of each path; a watcher, when given, is set on
   * every read (per-node watch mode).
   *
   * @throws SideUnavailableException when the connection or session failed during the batch
   */
  public static List<Result> read(
      ZkSide side, List<String> paths, boolean withChildren, Watcher watcher)
      throws SideUnavailableException, InterruptedException {
    return read(side, paths, withChildren, watcher, false);
  }

  /** As above, and with {@code withAcl} each existing node's ACL too ({@code --copyAcl}). */
  public static List<Result> read(
      ZkSide side, List<String> paths, boolean withChildren, Watcher watcher, boolean withAcl)
      throws SideUnavailableException, InterruptedException {
    return issue(side, paths, withChildren, watcher, withAcl).get();
  }

  /**
   * One result per path of {@code chunk}, in order, reading (data and stat, no children) only those
   * in {@code wanted}: the others answer {@link NodeState#ABSENT} without a request. t_sync needs S
   * only where T holds an ephemeral or a record names the path.
   */
  public static List<Result> readOnly(
      ZkSide side, List<String> chunk, List<String> wanted, boolean withAcl)
      throws SideUnavailableException, InterruptedException {
    java.util.Map<String, Result> byPath = new java.util.HashMap<>(wanted.size() * 2);
    for (Result r : read(side, wanted, false, null, withAcl)) {
      byPath.put(r.path(), r);
    }
    List<Result> out = new ArrayList<>(chunk.size());
    for (String p : chunk) {
      Result r = byPath.get(p);
      out.add(r != null ? r : new Result(p, NodeState.ABSENT, null));
    }
    return out;
  }

  /**
   * Sends the reads of {@link #read(ZkSide, List, boolean, Watcher, boolean)} now and returns
   * before their replies, so that a caller can have both sides' reads in flight at once.
   */
  public static Pending issue(
      ZkSide side, List<String> paths, boolean withChildren, Watcher watcher, boolean withAcl) {
    return new Pending(side, withAcl, issuePlain(side, paths, withChildren, watcher));
  }

  /** Reads sent and not yet collected. */
  public static final class Pending {
    private final ZkSide side;
    private final boolean withAcl;
    private final Issued issued;

    private Pending(ZkSide side, boolean withAcl, Issued issued) {
      this.side = side;
      this.withAcl = withAcl;
      this.issued = issued;
    }

    /**
     * Waits for the replies: one result per path, in order.
     *
     * @throws SideUnavailableException when the connection or session failed during the batch
     */
    public List<Result> get() throws SideUnavailableException, InterruptedException {
      List<Result> plain = issued.collect();
      return withAcl ? withAcls(side, plain) : plain;
    }
  }

  /** Replies to collect. */
  private interface Issued {
    List<Result> collect() throws SideUnavailableException, InterruptedException;
  }

  private static List<Result> withAcls(ZkSide side, List<Result> plain)
      throws SideUnavailableException, InterruptedException {
    List<CompletableFuture<Reply>> acls = new ArrayList<>(plain.size());
    for (Result r : plain) {
      acls.add(r.state() != null && r.state().exists() ? side.getAcl(r.path()) : null);
    }
    List<Result> out = new ArrayList<>(plain.size());
    for (int i = 0; i < plain.size(); i++) {
      Result r = plain.get(i);
      if (acls.get(i) == null) {
        out.add(r);
        continue;
      }
      Reply a = answer(side, acls.get(i));
      if (a.code() == Code.NONODE) {
        out.add(new Result(r.path(), NodeState.ABSENT, null));
      } else if (!a.ok()) {
        out.add(new Result(r.path(), null, a.code()));
      } else {
        out.add(
            new Result(
                r.path(),
                r.state().withAcl(Acls.toEntries(a.acl())),
                null,
                r.nextSequence(),
                r.czxid(),
                r.mzxid()));
      }
    }
    return out;
  }

  /**
   * Waits for one reply; a lost connection or session fails the whole read.
   *
   * @throws SideUnavailableException when the reply says the side is unavailable
   */
  static Reply answer(ZkSide side, CompletableFuture<Reply> f)
      throws SideUnavailableException, InterruptedException {
    Reply r = ZkSide.await(f, side.replyTimeout());
    if (r.isTransient()) {
      throw new SideUnavailableException(side.role() + " unavailable: " + r.code());
    }
    return r;
  }

  /** Paths per {@code multi} read batch: a few hundred per round trip. */
  private static final int MULTI_READ_PATHS = 200;

  private static Issued issuePlain(
      ZkSide side, List<String> paths, boolean withChildren, Watcher watcher) {
    // multi reads (3.6+) cut round trips several-fold, but cannot set watches
    if (watcher == null && side.supportsMultiRead() && paths.size() > 1) {
      return issueMulti(side, paths, withChildren);
    }
    return issueSingly(side, paths, withChildren, watcher);
  }

  /** A child watch's absence where none is needed: an ephemeral node has no children. */
  private static final Reply NO_CHILDREN = new Reply(Code.OK, null, null, List.of(), null);

  /**
   * Per-node watch mode: a data watch on every node and a child watch on every node that can have
   * children, that is not on an ephemeral one. The data is read first, all paths pipelined, and the
   * children then of the persistent nodes only: a step more on a near source, and a registry's
   * ephemeral registrations hold one watch each instead of two (here and in S's server).
   */
  private static Issued issueWatched(ZkSide side, List<String> paths, Watcher watcher) {
    List<CompletableFuture<Reply>> data = new ArrayList<>(paths.size());
    for (String p : paths) {
      data.add(side.getData(p, watcher));
    }
    return () -> {
      List<Reply> d = new ArrayList<>(paths.size());
      List<CompletableFuture<Reply>> kids = new ArrayList<>(paths.size());
      for (int i = 0; i < paths.size(); i++) {
        Reply r = ZkSide.await(data.get(i), side.replyTimeout());
        d.add(r);
        boolean ephemeral = r.ok() && r.stat() != null && r.stat().getEphemeralOwner() != 0;
        // a node deleted and created again as a persistent one fires its data watch first
        kids.add(
            ephemeral
                ? CompletableFuture.completedFuture(NO_CHILDREN)
                : side.getChildren(paths.get(i), watcher));
      }
      List<Result> out = new ArrayList<>(paths.size());
      for (int i = 0; i < paths.size(); i++) {
        out.add(
            combine(side, paths.get(i), d.get(i), ZkSide.await(kids.get(i), side.replyTimeout())));
      }
      return out;
    };
  }

  /** Pipelined single reads; the watcher, when given, is set by each read. */
  private static Issued issueSingly(
      ZkSide side, List<String> paths, boolean withChildren, Watcher watcher) {
    if (watcher != null && withChildren) {
      return issueWatched(side, paths, watcher);
    }
    List<CompletableFuture<Reply>> data = new ArrayList<>(paths.size());
    List<CompletableFuture<Reply>> kids = withChildren ? new ArrayList<>(paths.size()) : null;
    for (String p : paths) {
      data.add(side.getData(p, watcher));
      if (withChildren) {
        kids.add(side.getChildren(p, watcher));
      }
    }
    return () -> {
      List<Result> out = new ArrayList<>(paths.size());
      for (int i = 0; i < paths.size(); i++) {
        Reply d = ZkSide.await(data.get(i), side.replyTimeout());
        Reply c = withChildren ? ZkSide.await(kids.get(i), side.replyTimeout()) : null;
        out.add(combine(side, paths.get(i), d, c));
      }
      return out;
    };
  }

  /**
   * Multi reads in two steps: getData of every path, then getData and getChildren again of the
   * nodes whose stat counts children. Most nodes of a large tree are leaves: the second step halves
   * the requests a walk sends, and the work both the server and this client do for them. A node
   * with children is answered from the second step alone, so that its stat (the sequence counter)
   * and its children are read together, as before.
   */
  static Issued issueMulti(ZkSide side, List<String> paths, boolean withChildren) {
    List<MultiReadBatch> batches = new ArrayList<>();
    for (int from = 0; from < paths.size(); from += MULTI_READ_PATHS) {
      batches.add(
          new MultiReadBatch(
              side,
              paths.subList(from, Math.min(paths.size(), from + MULTI_READ_PATHS)),
              withChildren));
    }
    return () -> {
      for (MultiReadBatch b : batches) {
        b.sendSecondStep();
      }
      List<Result> out = new ArrayList<>(paths.size());
      for (MultiReadBatch b : batches) {
        if (!b.collectInto(out)) {
          // e.g. a path the client refuses: read this batch one path at a time instead
          out.addAll(issueSingly(side, b.paths, withChildren, null).collect());
        }
      }
      return out;
    };
  }

  /** One path's data reply and (optional) children reply, as a {@link Result}. */
  static Result combine(ZkSide side, String p, Reply d, Reply c) throws SideUnavailableException {
    Verdict data = read(d);
    Verdict kids = c == null ? Verdict.DONE : read(c);
    if (data == Verdict.RETRY_LATER || kids == Verdict.RETRY_LATER) {
      Code failed = data == Verdict.RETRY_LATER ? d.code() : c.code();
      throw new SideUnavailableException(
          side.role() + " unavailable while reading " + p + ": " + failed);
    }
    if (data == Verdict.ABSENT) {
      return new Result(p, NodeState.ABSENT, null);
    }
    if (data == Verdict.FAILED) {
      return new Result(p, null, d.code());
    }
    List<String> children = null;
    if (c != null) {
      if (kids == Verdict.ABSENT) {
        children = List.of(); // deleted between the two reads
      } else if (kids == Verdict.FAILED) {
        return new Result(p, null, c.code());
      } else {
        children = c.children();
      }
    }
    NodeKind kind = NodeKind.ofEphemeralOwner(d.stat().getEphemeralOwner());
    // the data read's stat carries cversion and numChildren as well
    long next =
        c != null && c.ok() && c.stat() != null ? nextSequence(c.stat()) : nextSequence(d.stat());
    return new Result(
        p,
        new NodeState(
            kind,
            d.data(),
            d.stat().getVersion(),
            children,
            null,
            d.stat().getCzxid(),
            d.stat().getNumChildren()),
        null,
        next,
        d.stat().getCzxid(),
        d.stat().getMzxid());
  }

  private static Verdict read(Reply r) {
    return OutcomePolicy.judge(Request.READ, Answers.of(r.code()));
  }

  /** Whether a node exists, as far as a read could tell. */
  public enum Presence {
    PRESENT,
    ABSENT,
    /** The read failed for this node (e.g. NOAUTH): no conclusion may be drawn. */
    UNKNOWN
  }

  /**
   * Reads whether each path exists; only NONODE is ABSENT. On 3.6+ servers many paths go as getData
   * in {@code multi} read batches, one request per 200 paths instead of one per path; a node that
   * exists but may not be read is then UNKNOWN rather than PRESENT, which every caller treats alike
   * (not absent).
   */
  public static Presence[] exist(ZkSide side, List<String> paths)
      throws SideUnavailableException, InterruptedException {
    if (side.supportsMultiRead() && paths.size() > 1) {
      Presence[] out = new Presence[paths.size()];
      List<Result> read = issueMulti(side, paths, false).collect();
      for (int i = 0; i < out.length; i++) {
        Result r = read.get(i);
        out[i] =
            r.error() != null
                ? Presence.UNKNOWN
                : r.state().exists() ? Presence.PRESENT : Presence.ABSENT;
      }
      return out;
    }
    List<CompletableFuture<Reply>> replies = new ArrayList<>(paths.size());
    for (String p : paths) {
      replies.add(side.exists(p));
    }
    Presence[] out = new Presence[paths.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (read(answer(side, replies.get(i)))) {
            case DONE -> Presence.PRESENT;
            case ABSENT -> Presence.ABSENT;
            default -> Presence.UNKNOWN; // refused (e.g. NOAUTH): no conclusion may be drawn
          };
    }
    return out;
  }
}
