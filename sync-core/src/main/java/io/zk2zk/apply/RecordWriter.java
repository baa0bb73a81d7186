package io.zk2zk.apply;

import io.zk2zk.decide.SyncScope;
import io.zk2zk.outcome.Request;
import io.zk2zk.outcome.Verdict;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records under {@code /zk2zk_migration} on T: the writes the write plan puts before a copy
 * and after its delete, and t_sync's removal of records that name no valid path.
 */
public final class RecordWriter {

  private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);

  private final Applier writer;

  /**
   * @param writer writes to the side that holds the records
   */
  public RecordWriter(Applier writer) {
    this.writer = writer;
  }

  /** The write that creates the record of {@code path}. */
  public static WriteOp create(String path) {
    return new WriteOp.Create(SyncScope.recordPath(path), new byte[0]);
  }

  /** The write that sets the record of {@code path} to {@code data}. */
  public static WriteOp set(String path, byte[] data) {
    return new WriteOp.SetData(SyncScope.recordPath(path), data);
  }

  /** The write that creates the record of {@code path} with {@code data}. */
  public static WriteOp create(String path, byte[] data) {
    return new WriteOp.Create(SyncScope.recordPath(path), data);
  }

  /** The write that deletes the record of {@code path}. */
  public static WriteOp delete(String path) {
    return new WriteOp.Delete(SyncScope.recordPath(path), -1);
  }

  /**
   * Sends record writes; when a create finds {@code /zk2zk_migration} itself gone (deleted by
   * hand), it is created again and the writes are sent once more, instead of failing every record
   * until a restart.
   */
  public List<Outcome> write(List<WriteOp> ops) throws InterruptedException {
    List<Outcome> outs = writer.apply(ops);
    boolean rootMissing = false;
    for (Outcome o : outs) {
      rootMissing |=
          o.op() instanceof WriteOp.Create
              && o.verdict(Request.CREATE_RECORD) == Verdict.CREATE_RECORD_ROOT;
    }
    if (!rootMissing) {
      return outs;
    }
    ZkSide side = writer.side();
    Code rc = side.ensureExists(SyncScope.MIGRATION_ROOT, side.replyTimeout());
    log.warn("{} was missing on T; created it again ({})", SyncScope.MIGRATION_ROOT, rc);
    return writer.apply(ops);
  }

  /** Removes records whose names decode to no valid path (t_sync owns the records). */
  public void removeMalformed(List<String> names) throws InterruptedException {
    if (names.isEmpty()) {
      return;
    }
    List<WriteOp> ops = new ArrayList<>(names.size());
    for (String name : names) {
      ops.add(new WriteOp.Delete(SyncScope.MIGRATION_ROOT + "/" + name, -1));
    }
    writer.apply(ops);
  }
}
