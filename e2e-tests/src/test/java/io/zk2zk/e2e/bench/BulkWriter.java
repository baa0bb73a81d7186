package io.zk2zk.e2e.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Writes many operations as fast as one session can: {@code multi} batches, many in flight. A
 * session's requests are applied in the order sent, so parents listed before children are created
 * first. Any failed batch fails the whole write (bench data must be exactly what was asked).
 */
final class BulkWriter {

  private BulkWriter() {}

  /** Creates persistent nodes with an open ACL. */
  static Op create(String path, byte[] data) {
    return Op.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
  }

  /** Creates ephemeral nodes (owned by the writing session). */
  static Op ephemeral(String path, byte[] data) {
    return Op.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
  }

  /**
   * Sends {@code ops} in batches of {@code batch}, at most {@code inFlight} batches outstanding,
   * and waits until every batch succeeded.
   */
  static void write(ZooKeeper zk, Iterator<Op> ops, int batch, int inFlight) throws Exception {
    Semaphore permits = new Semaphore(inFlight);
    AtomicReference<KeeperException> failure = new AtomicReference<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    List<Op> current = new ArrayList<>(batch);
    while (ops.hasNext()) {
      current.add(ops.next());
      if (current.size() == batch || !ops.hasNext()) {
        permits.acquire();
        if (failure.get() != null) {
          throw failure.get();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Op> sent = current;
        zk.multi(
            sent,
            (rc, path, ctx, results) -> {
              if (rc != 0) {
                failure.compareAndSet(
                    null, KeeperException.create(KeeperException.Code.get(rc), describe(sent)));
              }
              permits.release();
              done.complete(null);
            },
            null);
        pending.add(done);
        pending.removeIf(CompletableFuture::isDone);
        current = new ArrayList<>(batch);
      }
    }
    for (CompletableFuture<Void> f : pending) {
      f.get(2, TimeUnit.MINUTES);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static String describe(List<Op> batch) {
    return "multi of " + batch.size() + " ops from " + batch.get(0).getPath();
  }
}
