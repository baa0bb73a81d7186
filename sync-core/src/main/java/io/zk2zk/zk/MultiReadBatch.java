package io.zk2zk.zk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

/**
 * One multi read batch of a chunk in its two steps. The second step is sent from the first's reply
 * callback when a request may go at once (the walk's read-ahead then covers it), else by the
 * collecting thread.
 */
final class MultiReadBatch {
  private enum Step {
    WAITING,
    SENT,
    TAKEN
  }

  private final ZkSide side;
  final List<String> paths;
  private final boolean withChildren;
  private final CompletableFuture<Reply> first;
  private Step step = Step.WAITING;
  private int[] parents = new int[0];
  private CompletableFuture<Reply> second;

  MultiReadBatch(ZkSide side, List<String> paths, boolean withChildren) {
    this.side = side;
    this.paths = paths;
    this.withChildren = withChildren;
    List<Op> ops = new ArrayList<>(paths.size());
    for (String p : paths) {
      ops.add(Op.getData(p));
    }
    this.first = side.multi(ops);
    if (withChildren) {
      // on ZooKeeper's event thread, which must not wait: see ZkSide.multiIfFree. Whatever this
      // does not send (no permit free, or it failed), the collecting thread sends.
      first.thenRun(this::sendEarly);
    }
  }

  private synchronized void sendEarly() {
    if (step != Step.WAITING) {
      return;
    }
    List<Op> ops = secondOps();
    if (ops == null) {
      step = Step.SENT; // nothing to send: the first step answers every path
      return;
    }
    CompletableFuture<Reply> f = side.multiIfFree(ops);
    if (f != null) {
      second = f;
      step = Step.SENT;
    }
  }

  /** The collecting thread sends the second step if the callback could not. */
  void sendSecondStep() throws SideUnavailableException, InterruptedException {
    if (!withChildren) {
      return;
    }
    NodeReader.answer(side, first); // a lost side fails the read here, before a second step is sent
    List<Op> ops;
    synchronized (this) {
      if (step != Step.WAITING) {
        return;
      }
      step = Step.TAKEN; // from here the callback leaves it to this thread
      ops = secondOps();
    }
    if (ops != null) {
      CompletableFuture<Reply> f = side.multi(ops); // may wait for a permit: outside the lock
      synchronized (this) {
        second = f;
      }
    }
  }

  /**
   * getData and getChildren of the nodes whose first read counts children, remembering their
   * positions; null when there is none, or when the first step did not answer path by path.
   */
  private List<Op> secondOps() {
    Reply r = first.getNow(null);
    if (r == null || r.results() == null || r.results().size() != paths.size()) {
      return null;
    }
    int[] positions = new int[paths.size()];
    int n = 0;
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      if (r.results().get(i) instanceof OpResult.GetDataResult d
          && d.getStat().getNumChildren() > 0) {
        positions[n++] = i;
        ops.add(Op.getData(paths.get(i)));
        ops.add(Op.getChildren(paths.get(i)));
      }
    }
    parents = Arrays.copyOf(positions, n);
    return n == 0 ? null : ops;
  }

  /**
   * Whether the batch got no answer path by path: the client refused a path of it (the others then
   * answer RUNTIMEINCONSISTENCY, not executed), or the reply has no results.
   */
  private static boolean refused(Reply r) {
    return r.code() == Code.BADARGUMENTS || r.results() == null;
  }

  /**
   * Adds one result per path to {@code out} and returns true, or adds nothing and returns false
   * when this batch must be read singly.
   */
  boolean collectInto(List<NodeReader.Result> out)
      throws SideUnavailableException, InterruptedException {
    Reply r = NodeReader.answer(side, first);
    if (refused(r) || r.results().size() != paths.size()) {
      return false;
    }
    CompletableFuture<Reply> again;
    int[] positions;
    synchronized (this) {
      again = second;
      positions = parents;
    }
    List<OpResult> withKids = null;
    if (again != null) {
      Reply a = NodeReader.answer(side, again);
      if (refused(a) || a.results().size() != positions.length * 2) {
        return false;
      }
      withKids = a.results();
    }
    // nodes with children are answered from the second step: data and children read together
    for (int i = 0, j = 0; i < paths.size(); i++) {
      if (withKids != null && j < positions.length && positions[j] == i) {
        out.add(
            NodeReader.combine(
                side,
                paths.get(i),
                fromOpResult(withKids.get(2 * j)),
                fromOpResult(withKids.get(2 * j + 1))));
        j++;
      } else {
        Reply children = withChildren ? NO_CHILDREN : null;
        out.add(NodeReader.combine(side, paths.get(i), fromOpResult(r.results().get(i)), children));
      }
    }
    return true;
  }

  /** A leaf's children, as a getChildren would have answered them. */
  private static final Reply NO_CHILDREN = new Reply(Code.OK, null, null, List.of(), null);

  private static Reply fromOpResult(OpResult r) {
    if (r instanceof OpResult.GetDataResult d) {
      return new Reply(Code.OK, d.getData(), d.getStat(), null, null);
    }
    if (r instanceof OpResult.GetChildrenResult c) {
      return new Reply(Code.OK, null, null, c.getChildren(), null);
    }
    if (r instanceof OpResult.ErrorResult e) {
      return new Reply(Reply.code(e.getErr()), null, null, null, null);
    }
    return Reply.of(Code.SYSTEMERROR);
  }
}
