package io.zk2zk.apply;

import io.zk2zk.config.Tuning;
import io.zk2zk.outcome.Verdict;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;

/**
 * Sends writes to one side: consecutive writes go together in {@code multi} batches (far fewer
 * round trips and fsyncs), several batches in flight. A batch that fails as a whole is replayed one
 * write at a time, so that one conflict costs only that write: NodeExists on create and NoNode on
 * delete are success, ConnectionLoss is retried with backoff, anything else is reported.
 *
 * <p>Order matters and is kept: a session's requests are applied by the server in the order they
 * were sent, so callers list parents before children for creates, children first for deletes.
 *
 * <p>A dry run ({@code --dryRun}) decides and reports every write as if it were sent (outcome
 * {@code success}, EXTRA {@code dry-run}) and sends none. Under {@code --ha} a {@link WriteGate}
 * (is this instance still the leader?) is asked before every request: a closed gate throws {@link
 * NotLeaderException} and nothing more is sent. On the side the election lives on, the gate also
 * names a fence: every request is then a {@code multi} that first checks that the leader's election
 * node exists, so that a write delivered late, after the lead moved on, applies nothing.
 */
public final class Applier {

  private final ZkSide side;
  private final Tuning tuning;

  /** Room for the request header, path and ACL around a node's data. */
  private static final int REQUEST_OVERHEAD = 1024;

  private final Semaphore batchesInFlight;
  private final boolean dryRun;
  private final WriteGate gate;

  /** Writes for real, ungated. */
  public Applier(ZkSide side, Tuning tuning) {
    this(side, tuning, false, WriteGate.OPEN);
  }

  /**
   * @param dryRun send nothing; every write that would be sent is reported as done with EXTRA
   *     {@code dry-run}
   * @param gate asked before every request; a closed gate stops the caller with {@link
   *     NotLeaderException}
   */
  public Applier(ZkSide side, Tuning tuning, boolean dryRun, WriteGate gate) {
    this.side = side;
    this.tuning = tuning;
    this.batchesInFlight = new Semaphore(tuning.multiInFlight());
    this.dryRun = dryRun;
    this.gate = gate;
  }

  /** True when writes are only decided and reported, never sent. */
  public boolean dryRun() {
    return dryRun;
  }

  public ZkSide side() {
    return side;
  }

  /** Applies the writes in order and returns one outcome per write, in the same order. */
  public List<Outcome> apply(List<? extends WriteOp> ops) throws InterruptedException {
    List<WriteOp> sendable = new ArrayList<>(ops.size());
    Outcome[] tooLarge = new Outcome[ops.size()];
    for (int i = 0; i < ops.size(); i++) {
      WriteOp op = ops.get(i);
      if (op.weight() + REQUEST_OVERHEAD > tuning.maxRequestBytes()) {
        // a server answers an oversized request by dropping the connection: never send it
        tooLarge[i] =
            new Outcome(
                op,
                Code.BADARGUMENTS,
                false,
                "data too large for the target ("
                    + op.weight()
                    + " bytes; --dstJuteMaxBuffer "
                    + tuning.maxRequestBytes()
                    + ")");
      } else {
        sendable.add(op);
      }
    }
    List<Outcome> sent = send(sendable);
    List<Outcome> out = new ArrayList<>(ops.size());
    int next = 0;
    for (Outcome o : tooLarge) {
      out.add(o != null ? o : sent.get(next++));
    }
    return out;
  }

  private List<Outcome> send(List<WriteOp> ops) throws InterruptedException {
    if (dryRun) {
      List<Outcome> out = new ArrayList<>(ops.size());
      for (WriteOp op : ops) {
        out.add(Outcome.dryRun(op));
      }
      return out;
    }
    List<List<WriteOp>> batches = chunk(ops);
    List<CompletableFuture<Reply>> replies = new ArrayList<>(batches.size());
    List<String> fences = new ArrayList<>(batches.size());
    for (List<WriteOp> b : batches) {
      String fence = gate.enter();
      batchesInFlight.acquire();
      CompletableFuture<Reply> reply = sendBatch(b, fence);
      reply.whenComplete((r, t) -> batchesInFlight.release());
      replies.add(reply);
      fences.add(fence);
    }
    List<Outcome> out = new ArrayList<>(ops.size());
    for (int i = 0; i < batches.size(); i++) {
      List<WriteOp> b = batches.get(i);
      Reply r = ZkSide.await(replies.get(i), side.replyTimeout());
      checkFence(fences.get(i), r);
      if (r.ok()) {
        for (WriteOp op : b) {
          out.add(Outcome.ok(op));
        }
      } else if (b.size() == 1 && !r.isTransient()) {
        out.add(interpret(b.get(0), r.code()));
      } else {
        out.addAll(oneByOne(b));
      }
    }
    return out;
  }

  /** Applies one write (with the same retries and interpretation as a batch). */
  public Outcome applyOne(WriteOp op) throws InterruptedException {
    return apply(List.of(op)).get(0);
  }

  private List<Outcome> oneByOne(List<WriteOp> ops) throws InterruptedException {
    Outcome[] done = new Outcome[ops.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      pending.add(i);
    }
    Duration backoff = Duration.ofMillis(100);
    for (int round = 0; round <= tuning.retryCount() && !pending.isEmpty(); round++) {
      if (round > 0) {
        // wait for the session to come back rather than hammering a dead connection
        side.awaitConnected(side.sessionTimeout());
        Thread.sleep(backoff.toMillis());
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                ? Duration.ofSeconds(5)
                : backoff.multipliedBy(2);
      }
      String fence = gate.enter();
      List<CompletableFuture<Reply>> replies = new ArrayList<>(pending.size());
      for (int i : pending) {
        replies.add(sendBatch(List.of(ops.get(i)), fence));
      }
      List<Integer> again = new ArrayList<>();
      for (int k = 0; k < pending.size(); k++) {
        int i = pending.get(k);
        Reply r = ZkSide.await(replies.get(k), side.replyTimeout());
        checkFence(fence, r);
        done[i] = interpret(ops.get(i), r.code());
        if (done[i].verdict(ops.get(i).request()) == Verdict.RETRY_LATER) {
          again.add(i); // the side is unavailable: retried with backoff once it is back
        }
      }
      pending = again;
    }
    return Arrays.asList(done);
  }

  /**
   * One batch as one request: a single write alone, several in a {@code multi}; behind a fence
   * always a {@code multi} whose first op checks the fence node ({@code setACL} has no {@code
   * multi} op and goes alone, unfenced).
   */
  private CompletableFuture<Reply> sendBatch(List<WriteOp> batch, String fence) {
    if (fence == null || batch.get(0) instanceof WriteOp.SetAcl) {
      return batch.size() == 1 ? sendOne(batch.get(0)) : side.multi(toOps(batch));
    }
    List<Op> ops = new ArrayList<>(batch.size() + 1);
    ops.add(Op.check(fence, -1));
    ops.addAll(toOps(batch));
    return side.multi(ops);
  }

  /**
   * A fenced request whose check failed applied nothing: the fence node is gone, so this instance
   * no longer leads (whatever its election still believes): stop, and let the election find out.
   */
  private void checkFence(String fence, Reply r) throws NotLeaderException {
    if (fence != null && r.failedAtFirstOp()) {
      gate.fenceFailed(fence);
      throw new NotLeaderException();
    }
  }

  private static Outcome interpret(WriteOp op, Code code) {
    return Outcome.of(op, code);
  }

  private CompletableFuture<Reply> sendOne(WriteOp op) {
    if (op instanceof WriteOp.Create c) {
      return c.companion() == null
          ? side.create(c.path(), c.data(), c.acl())
          : side.multi(c.toOps());
    }
    if (op instanceof WriteOp.SetAcl a) {
      return side.setAcl(a.path(), a.acl());
    }
    if (op instanceof WriteOp.SetData s) {
      return side.setData(s.path(), s.data(), -1);
    }
    WriteOp.Delete d = (WriteOp.Delete) op;
    return side.delete(d.path(), d.version());
  }

  private static List<Op> toOps(List<WriteOp> batch) {
    List<Op> ops = new ArrayList<>(batch.size());
    for (WriteOp w : batch) {
      ops.addAll(w.toOps());
    }
    return ops;
  }

  private List<List<WriteOp>> chunk(List<? extends WriteOp> ops) {
    List<List<WriteOp>> batches = new ArrayList<>();
    List<WriteOp> current = new ArrayList<>();
    int bytes = 0;
    for (WriteOp op : ops) {
      int w = op.weight();
      boolean alone = op instanceof WriteOp.SetAcl;
      if (!current.isEmpty()
          && (alone
              || current.get(current.size() - 1) instanceof WriteOp.SetAcl
              || current.size() >= tuning.multiOps()
              || bytes + w > tuning.multiBytes())) {
        batches.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(op);
      bytes += w;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }
}
