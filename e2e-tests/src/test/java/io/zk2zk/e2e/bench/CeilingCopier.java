package io.zk2zk.e2e.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The ceiling of the benchmark: the plainest fast copy of a tree from one server to an empty one.
 * Level by level; each level read with {@code multi} read batches (getData and getChildren of 200
 * paths per request, 3.6+; a 3.4 or 3.5 source: a getData and a getChildren per path, all of a
 * chunk pipelined), several in flight; written with {@code multi} create batches (at most 500
 * operations or 256 KB), 8 in flight, while the next level is read. No watches, no rules, no logs.
 * Ephemeral nodes are copied as persistent ones, as all_sync does.
 *
 * <p>Given a third session, it also writes what t_sync must write for every copy: a record, an
 * empty node under {@link #RECORDS}, in a batch answered before the batch of copies it names is
 * sent.
 */
final class CeilingCopier {

  private static final int READ_PATHS = 200;
  private static final int LEVEL_CHUNK = 2000;
  private static final int WRITE_OPS = 500;
  private static final int WRITE_BYTES = 256 * 1024;
  private static final int WRITES_IN_FLIGHT = 8;

  /** Where the record-writing copier puts its records. */
  static final String RECORDS = "/bench_records";

  private final boolean multiReads;
  private final ZooKeeper from;
  private final ZooKeeper to;
  private final ZooKeeper records;
  private final Set<String> excluded;
  private final Semaphore writes = new Semaphore(WRITES_IN_FLIGHT);
  private final AtomicReference<KeeperException> failure = new AtomicReference<>();
  private final List<CompletableFuture<Void>> pendingWrites = new ArrayList<>();
  private List<Op> batch = new ArrayList<>();
  private List<Op> recordBatch = new ArrayList<>();
  private int batchBytes;
  private long copied;

  CeilingCopier(ZooKeeper from, ZooKeeper to, Set<String> excluded) {
    this(from, to, null, excluded);
  }

  /**
   * @param records where each copy's record is written first (null for none)
   */
  CeilingCopier(ZooKeeper from, ZooKeeper to, ZooKeeper records, Set<String> excluded) {
    this(from, to, records, excluded, true);
  }

  /**
   * @param multiReads whether {@code from} answers multi reads (3.6+)
   */
  CeilingCopier(
      ZooKeeper from, ZooKeeper to, ZooKeeper records, Set<String> excluded, boolean multiReads) {
    this.multiReads = multiReads;
    this.from = from;
    this.to = to;
    this.records = records;
    this.excluded = excluded;
  }

  /** Copies everything below {@code /} but the excluded subtrees; returns the nodes created. */
  long copyAll() throws Exception {
    if (records != null) {
      records.create(RECORDS, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }
    List<String> level = List.of("/");
    while (!level.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += LEVEL_CHUNK) {
        readChunk(level.subList(i, Math.min(level.size(), i + LEVEL_CHUNK)), next);
      }
      level = next;
    }
    flush();
    for (CompletableFuture<Void> f : pendingWrites) {
      f.get(2, TimeUnit.MINUTES);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return copied;
  }

  private void readChunk(List<String> paths, List<String> next) throws Exception {
    if (!multiReads) {
      readChunkPipelined(paths, next);
      return;
    }
    List<CompletableFuture<List<OpResult>>> replies = new ArrayList<>();
    for (int i = 0; i < paths.size(); i += READ_PATHS) {
      List<Op> ops = new ArrayList<>();
      for (String p : paths.subList(i, Math.min(paths.size(), i + READ_PATHS))) {
        ops.add(Op.getData(p));
        ops.add(Op.getChildren(p));
      }
      CompletableFuture<List<OpResult>> reply = new CompletableFuture<>();
      from.multi(
          ops,
          (rc, path, ctx, results) -> {
            if (rc != 0) {
              reply.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc)));
            } else {
              reply.complete(results);
            }
          },
          null);
      replies.add(reply);
    }
    int index = 0;
    for (CompletableFuture<List<OpResult>> reply : replies) {
      List<OpResult> results = reply.get(2, TimeUnit.MINUTES);
      for (int k = 0; k < results.size(); k += 2, index++) {
        String path = paths.get(index);
        if (!(results.get(k) instanceof OpResult.GetDataResult data)
            || !(results.get(k + 1) instanceof OpResult.GetChildrenResult children)) {
          throw new IllegalStateException("cannot read " + path + ": " + results.get(k));
        }
        if (!"/".equals(path)) {
          write(path, data.getData());
        }
        for (String c : children.getChildren()) {
          String child = "/".equals(path) ? "/" + c : path + "/" + c;
          if (!excluded.contains(child)) {
            next.add(child);
          }
        }
      }
    }
  }

  /** A path's data and children, read with one call each. */
  private record Read(CompletableFuture<byte[]> data, CompletableFuture<List<String>> children) {}

  /** Without multi reads (3.4, 3.5): every read of the chunk sent before the first answer. */
  private void readChunkPipelined(List<String> paths, List<String> next) throws Exception {
    List<Read> reads = new ArrayList<>(paths.size());
    for (String p : paths) {
      Read r = new Read(new CompletableFuture<>(), new CompletableFuture<>());
      from.getData(
          p, false, (rc, path, ctx, data, stat) -> complete(r.data(), rc, path, data), null);
      from.getChildren(
          p, false, (rc, path, ctx, children) -> complete(r.children(), rc, path, children), null);
      reads.add(r);
    }
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      byte[] data = reads.get(i).data().get(2, TimeUnit.MINUTES);
      if (!"/".equals(path)) {
        write(path, data);
      }
      for (String c : reads.get(i).children().get(2, TimeUnit.MINUTES)) {
        String child = "/".equals(path) ? "/" + c : path + "/" + c;
        if (!excluded.contains(child)) {
          next.add(child);
        }
      }
    }
  }

  private static <T> void complete(CompletableFuture<T> f, int rc, String path, T value) {
    if (rc != 0) {
      f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
    } else {
      f.complete(value);
    }
  }

  private void write(String path, byte[] data) throws Exception {
    int weight = path.length() * 3 + (data == null ? 0 : data.length) + 64;
    if (!batch.isEmpty() && (batch.size() >= WRITE_OPS || batchBytes + weight > WRITE_BYTES)) {
      flush();
    }
    batch.add(Op.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    if (records != null) {
      recordBatch.add(
          Op.create(
              RECORDS + "/" + URLEncoder.encode(path, StandardCharsets.UTF_8),
              new byte[0],
              ZooDefs.Ids.OPEN_ACL_UNSAFE,
              CreateMode.PERSISTENT));
    }
    batchBytes += weight;
    copied++;
  }

  private void flush() throws Exception {
    if (batch.isEmpty()) {
      return;
    }
    writes.acquire();
    if (failure.get() != null) {
      throw failure.get();
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<Op> copies = batch;
    AsyncCallback.MultiCallback copied =
        (rc, path, ctx, results) -> {
          if (rc != 0) {
            failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc)));
          }
          writes.release();
          done.complete(null);
        };
    if (records == null) {
      to.multi(copies, copied, null);
    } else {
      // the copies only once their records are there, as t_sync must
      records.multi(
          recordBatch,
          (rc, path, ctx, results) -> {
            if (rc != 0) {
              copied.processResult(rc, path, ctx, results); // fails the copy, ends the batch
            } else {
              to.multi(copies, copied, null);
            }
          },
          null);
      recordBatch = new ArrayList<>();
    }
    pendingWrites.removeIf(CompletableFuture::isDone);
    pendingWrites.add(done);
    batch = new ArrayList<>();
    batchBytes = 0;
  }
}
