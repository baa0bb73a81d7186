package io.zk2zk.decide;

/**
 * What T says of all_sync's copy of a persistent node on S with a sequential name (a queue item):
 * all_sync writes a receipt naming the S node's {@code czxid} in the same {@code multi} as the
 * copy, so that once a client on T deletes the copy (takes the item), the receipt still tells that
 * the copy was made (rule 37): all_sync does not copy it again, and t_sync deletes it on S. Only
 * all_sync writes receipts, each under its claim of the path: it drops one with its copy, or once
 * S's node is gone.
 *
 * @param state what the receipt at the path's name says, or that it was not read
 * @param sourceCzxid the {@code czxid} of the node on S as read now (0 when S has none)
 * @param version the receipt's version, for a delete conditional on what was read (-1 when none)
 */
public record CopyReceipt(State state, long sourceCzxid, int version) {

  /** What a receipt says of the node S has now. */
  public enum State {
    /** Not read: the rule for this path does not depend on it. */
    NOT_READ,
    /** No receipt: no copy of a node at this path was made (or its receipt was dropped). */
    NONE,
    /** A copy of S's node as it is now (same {@code czxid}) was made on T. */
    THIS_NODE,
    /** A receipt of an earlier node at this path (S deleted it, or created it again since). */
    EARLIER_NODE,
    /** The receipt could not be read (e.g. NOAUTH): nothing tells. */
    UNREADABLE
  }

  /** Not read. */
  public static final CopyReceipt NOT_READ = new CopyReceipt(State.NOT_READ, 0, -1);

  /**
   * Whether all_sync keeps receipts of the copies of {@code path}: a name ending in ten digits, as
   * ZooKeeper names sequential nodes. Queue items are taken by deleting them; the registries'
   * million nodes are not sequential, so the initial sync writes no receipt.
   */
  public static boolean keptFor(String path) {
    int digits = 0;
    int nameStart = path.lastIndexOf('/');
    for (int i = path.length() - 1; i > nameStart && digits < 10; i--) {
      char c = path.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      digits++;
    }
    return digits == 10;
  }

  /** The data of a receipt: the copied node's {@code czxid} in decimal. */
  public static byte[] data(long sourceCzxid) {
    return Long.toString(sourceCzxid).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** What a receipt with {@code data} and {@code version} says of a node with {@code czxid}. */
  public static CopyReceipt read(byte[] data, int version, long sourceCzxid) {
    boolean same =
        data != null
            && sourceCzxid != 0
            && new String(data, java.nio.charset.StandardCharsets.US_ASCII)
                .equals(Long.toString(sourceCzxid));
    return new CopyReceipt(same ? State.THIS_NODE : State.EARLIER_NODE, sourceCzxid, version);
  }

  /** Whether a receipt exists at the path's name (of this node or an earlier one). */
  public boolean exists() {
    return state == State.THIS_NODE || state == State.EARLIER_NODE;
  }

  /** Whether the receipt says the copy of S's node as it is now was made on T. */
  public boolean forThisNode() {
    return state == State.THIS_NODE;
  }
}
