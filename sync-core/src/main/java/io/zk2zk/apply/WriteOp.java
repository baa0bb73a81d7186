package io.zk2zk.apply;

import org.apache.zookeeper.Op;

/** One write to one side, as the apply stage sends it (alone or inside a {@code multi}). */
public sealed interface WriteOp {

  String path();

  /** Bytes this op adds to a request, to keep batches under the server's size limit. */
  int weight();

  /** The same write as a {@code multi} member. */
  Op toOp();

  /** Create a persistent node with an open ACL. */
  record Create(String path, byte[] data) implements WriteOp {
    @Override
    public int weight() {
      return path.length() * 3 + (data == null ? 0 : data.length) + 64;
    }

    @Override
    public Op toOp() {
      return Op.create(
          path,
          data,
          org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
          org.apache.zookeeper.CreateMode.PERSISTENT);
    }
  }

  /** Set the data, unconditionally: the rule already compared it. */
  record SetData(String path, byte[] data) implements WriteOp {
    @Override
    public int weight() {
      return path.length() * 3 + (data == null ? 0 : data.length) + 32;
    }

    @Override
    public Op toOp() {
      return Op.setData(path, data, -1);
    }
  }

  /** Delete if the node still has the version that was read. */
  record Delete(String path, int version) implements WriteOp {
    @Override
    public int weight() {
      return path.length() * 3 + 32;
    }

    @Override
    public Op toOp() {
      return Op.delete(path, version);
    }
  }
}
