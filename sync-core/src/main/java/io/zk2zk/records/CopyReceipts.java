package io.zk2zk.records;

import io.zk2zk.decide.CopyReceipt;
import io.zk2zk.decide.SyncScope;
import io.zk2zk.zk.Reply;
import io.zk2zk.zk.SideUnavailableException;
import io.zk2zk.zk.ZkSide;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.KeeperException.Code;

/**
 * all_sync's copy receipts under {@code /zk2zk_ha/receipts} on T (rule 37): read for the rules, one
 * pipelined {@code getData} per path asked, and listed for the passes.
 */
public final class CopyReceipts {

  private final ZkSide t;

  /**
   * @param t the global T, where the receipts are
   */
  public CopyReceipts(ZkSide t) {
    this.t = t;
  }

  /** What the receipt of each path says of S's node with the given {@code czxid} (0: none). */
  public Map<String, CopyReceipt> read(Map<String, Long> sourceCzxids)
      throws SideUnavailableException, InterruptedException {
    Map<String, CopyReceipt> out = new HashMap<>(sourceCzxids.size() * 2);
    if (sourceCzxids.isEmpty()) {
      return out;
    }
    List<String> paths = new ArrayList<>(sourceCzxids.keySet());
    List<CompletableFuture<Reply>> replies = new ArrayList<>(paths.size());
    for (String p : paths) {
      replies.add(t.getData(SyncScope.receiptPath(p), null));
    }
    for (int i = 0; i < paths.size(); i++) {
      Reply r = ZkSide.await(replies.get(i), t.replyTimeout());
      String p = paths.get(i);
      if (r.isTransient()) {
        throw new SideUnavailableException(
            "cannot read the copy receipt of " + p + ": " + r.code());
      }
      long czxid = sourceCzxids.get(p);
      out.put(
          p,
          r.code() == Code.NONODE
              ? new CopyReceipt(CopyReceipt.State.NONE, czxid, -1)
              : !r.ok() || r.stat() == null
                  ? new CopyReceipt(CopyReceipt.State.UNREADABLE, czxid, -1)
                  : CopyReceipt.read(r.data(), r.stat().getVersion(), czxid));
    }
    return out;
  }

  /**
   * The paths in {@code scope} that have a receipt, for a pass to have decided again: t_sync finds
   * the copies a client on T took while it was not looking (rule 37), all_sync the receipts of
   * nodes gone from both sides while it was not.
   */
  public List<String> paths(SyncScope scope) throws SideUnavailableException, InterruptedException {
    Reply listed = ZkSide.await(t.getChildren(SyncScope.RECEIPTS, null), t.replyTimeout());
    if (listed.code() == Code.NONODE) {
      return List.of();
    }
    if (!listed.ok()) {
      throw new SideUnavailableException(
          "cannot list " + SyncScope.RECEIPTS + " on T: " + listed.code());
    }
    List<String> paths = new ArrayList<>();
    for (String name : listed.children()) {
      String p = MigrationRecords.decode(name);
      if (p != null && scope.contains(p)) {
        paths.add(p);
      }
    }
    return paths;
  }
}
