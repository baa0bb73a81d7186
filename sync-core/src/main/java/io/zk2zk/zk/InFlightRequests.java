package io.zk2zk.zk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;

/**
 * The requests one session may have outstanding: each waits for a permit and its answer gives the
 * permit back. Whatever keeps a request from being sent (a closed side, no permit in time, a path
 * the client refuses) is an answer too, never an exception.
 */
final class InFlightRequests {

  /** The session's current handle; Curator's getter may throw (e.g. while it reconnects). */
  interface Client {
    ZooKeeper get() throws Exception;
  }

  /** One asynchronous call, which completes {@code reply} from its callback. */
  interface Request {
    void send(ZooKeeper zk, CompletableFuture<Reply> reply);
  }

  private final Semaphore permits;
  private final long waitMillis;
  private final BooleanSupplier open;
  private final Client client;

  /**
   * @param max most requests outstanding at once
   * @param waitMillis how long a request waits for a permit before it is answered OPERATIONTIMEOUT
   * @param open whether the side still sends (else CONNECTIONLOSS)
   * @param client the session's current ZooKeeper handle
   */
  InFlightRequests(int max, long waitMillis, BooleanSupplier open, Client client) {
    this.permits = new Semaphore(max);
    this.waitMillis = waitMillis;
    this.open = open;
    this.client = client;
  }

  /** Sends {@code request} once a permit is free. */
  CompletableFuture<Reply> issue(Request request) {
    if (!open.getAsBoolean()) {
      return answered(Code.CONNECTIONLOSS);
    }
    try {
      if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
        return answered(Code.OPERATIONTIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return answered(Code.CONNECTIONLOSS);
    }
    return send(request);
  }

  /** Sends {@code request} if a permit is free now, else returns null. */
  CompletableFuture<Reply> issueIfFree(Request request) {
    if (!open.getAsBoolean() || !permits.tryAcquire()) {
      return null;
    }
    return send(request);
  }

  /** Sends a request whose permit is taken. */
  private CompletableFuture<Reply> send(Request request) {
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    // released exactly once: by the reply, or by a waiter that gave up (see ZkSide.await)
    reply.whenComplete((r, t) -> permits.release());
    try {
      request.send(client.get(), reply);
    } catch (IllegalArgumentException e) {
      // the client refuses the path itself (e.g. "/a/"): an answer about the node, not the link
      reply.complete(Reply.of(Code.BADARGUMENTS));
    } catch (Exception e) {
      reply.complete(Reply.of(Code.CONNECTIONLOSS));
    }
    return reply;
  }

  private static CompletableFuture<Reply> answered(Code code) {
    return CompletableFuture.completedFuture(Reply.of(code));
  }
}
