package io.zk2zk.records;

import io.zk2zk.decide.RecordName;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.KeeperException.Code;

/**
 * The markers of t_sync's carries under {@code /zk2zk_migration} on S (rule 34), swept by its
 * passes: a marker whose record on T no longer says {@code carrying} with its token names no carry
 * under way (the record says carried, or is gone), and is deleted. A carry writes its record before
 * its marker, so a marker of a carry under way is never swept.
 */
public final class CarryMarkers {

  private final ZkSide s;
  private final ZkSide t;

  /**
   * @param s the global S, where the markers are
   * @param t the global T, where the records are
   */
  public CarryMarkers(ZkSide s, ZkSide t) {
    this.s = s;
    this.t = t;
  }

  /** Deletes the markers no carry under way names (none in a dry run); returns how many. */
  public int sweep(boolean dryRun) throws SideUnavailableException, InterruptedException {
    Reply listed = ZkSide.await(s.getChildren(SyncScope.MIGRATION_ROOT, null), s.replyTimeout());
    if (listed.code() == Code.NONODE) {
      return 0;
    }
    if (!listed.ok()) {
      throw new SideUnavailableException(
          "cannot list " + SyncScope.MIGRATION_ROOT + " on S: " + listed.code());
    }
    List<String> markers = new ArrayList<>();
    List<CompletableFuture<Reply>> records = new ArrayList<>();
    for (String name : listed.children()) {
      int at = name.lastIndexOf('@');
      if (at > 0) {
        markers.add(name);
        records.add(t.getData(SyncScope.MIGRATION_ROOT + "/" + name.substring(0, at), null));
      }
    }
    List<CompletableFuture<Reply>> deletes = new ArrayList<>();
    for (int i = 0; i < markers.size(); i++) {
      Reply r = ZkSide.await(records.get(i), t.replyTimeout());
      if (r.isTransient()) {
        throw new SideUnavailableException("cannot read a record on T: " + r.code());
      }
      String name = markers.get(i);
      String token = name.substring(name.lastIndexOf('@') + 1);
      boolean underWay =
          r.code() != Code.NONODE && (!r.ok() || token.equals(RecordName.carryToken(r.data())));
      if (!underWay && !dryRun) {
        deletes.add(s.delete(SyncScope.MIGRATION_ROOT + "/" + name, -1));
      }
    }
    for (CompletableFuture<Reply> d : deletes) {
      ZkSide.await(d, s.replyTimeout()); // NONODE: deleted meanwhile by the carry itself
    }
    return deletes.size();
  }
}
