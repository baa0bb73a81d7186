package io.zk2zk.demo;

import io.zk2zk.decide.SyncScope;
import java.time.Duration;
import java.util.Arrays;
import java.util.TreeSet;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * The demo's step 5: clients move from S to T one at a time while configuration still changes on S,
 * each move checked from the other side.
 */
final class ClientMoves {

  /** How long one change may take to reach the other side. */
  private static final Duration PROPAGATION = Duration.ofSeconds(30);

  private final ZooKeeper opsS;
  private final ZooKeeper opsT;
  private final String t;
  private final Poll poll;
  private final Cleanup cleanup;

  ClientMoves(ZooKeeper opsS, ZooKeeper opsT, String t, Poll poll, Cleanup cleanup) {
    this.opsS = opsS;
    this.opsT = opsT;
    this.t = t;
    this.poll = poll;
    this.cleanup = cleanup;
  }

  /** Step 三 of the README: one provider instance restarts against T instead of S. */
  void moveProvider(String oldPath, ZooKeeper mover, long now) throws Exception {
    String providers = "/dubbo/" + RegistrySeed.ORDER_SERVICE + "/providers";
    Console.info(
        "An OrderService provider ("
            + RegistrySeed.MOVER_HOST
            + ") restarts against T: it closes its session on S and registers on T.");
    long closed = System.nanoTime();
    mover.close();
    long ms =
        poll.await(
            "old registration gone from T", PROPAGATION, closed, () -> !Zk.exists(opsT, oldPath));
    Console.ok(
        "its old registration left S with its session, and all_sync removed the copy from T", ms);

    ZooKeeper moved = cleanup.add("moved provider's session on T", Zk.connect(t));
    // A restarted Dubbo provider registers a new URL: its timestamp parameter changed.
    String newPath =
        RegistrySeed.providerPath(
            RegistrySeed.ORDER_SERVICE, "order-service", RegistrySeed.MOVER_HOST, now + 1);
    byte[] data = Zk.utf8(RegistrySeed.MOVER_HOST);
    long registered = System.nanoTime();
    Zk.createWithParents(moved, newPath, data, CreateMode.EPHEMERAL);
    ms =
        poll.await(
            "moved provider visible on S", PROPAGATION, registered, () -> Zk.exists(opsS, newPath));
    Zk.Node copy = Zk.read(opsS, newPath);
    if (copy == null || copy.ephemeral() || !Arrays.equals(copy.data(), data)) {
      throw new DemoFailure(
          "the copy on S of " + newPath + " is not a persistent node with T's data");
    }
    Console.ok("its new registration on T appeared on S (t_sync), as a persistent copy", ms);
    String record = SyncScope.recordPath(newPath);
    ms =
        poll.await(
            "record of the moved provider on T",
            PROPAGATION,
            registered,
            () -> Zk.exists(opsT, record));
    Console.ok("t_sync recorded the copy on T under " + SyncScope.MIGRATION_ROOT, ms);
    ms =
        poll.await(
            "consumers on S and T see the same OrderService providers",
            PROPAGATION,
            registered,
            () -> {
              TreeSet<String> fromS = new TreeSet<>(Zk.children(opsS, providers));
              TreeSet<String> fromT = new TreeSet<>(Zk.children(opsT, providers));
              return fromS.equals(fromT) && fromS.contains(lastName(newPath));
            });
    int count = Zk.children(opsT, providers).size();
    Console.ok(
        "consumers on S and on T both see the same "
            + count
            + " OrderService providers, the moved one included",
        ms);
  }

  /** A service that first registers on T: its persistent parents exist only on T at first. */
  void deployNewServiceOnT(long now) throws Exception {
    Console.info(
        "A new CouponService is deployed straight on T; it creates its parents on the fly.");
    ZooKeeper coupon = cleanup.add("CouponService provider's session on T", Zk.connect(t));
    String path =
        RegistrySeed.providerPath(RegistrySeed.COUPON_SERVICE, "coupon-service", "10.0.7.11", now);
    long registered = System.nanoTime();
    Zk.createWithParents(coupon, path, Zk.utf8("10.0.7.11"), CreateMode.EPHEMERAL);
    long ms =
        poll.await(
            "CouponService provider visible on S",
            PROPAGATION,
            registered,
            () -> Zk.exists(opsS, path));
    Console.ok("it appeared on S together with its parents (t_sync)", ms);
  }

  /** A Curator lock user that moved to T must queue behind the contenders still on S. */
  void lockContenderOnT() throws Exception {
    String lock = RegistrySeed.ORDER_LOCK;
    long highestOnS = Zk.children(opsS, lock).stream().mapToLong(Zk::sequenceOf).max().orElse(-1);
    ZooKeeper contender = cleanup.add("lock contender's session on T", Zk.connect(t));
    long entered = System.nanoTime();
    String created = RegistrySeed.lockContender(contender, lock, "10.0.2.13");
    long seq = Zk.sequenceOf(created);
    if (seq <= highestOnS) {
      throw new DemoFailure(
          String.format(
              "a lock contender on T got sequence %010d, not above the highest on S (%010d):"
                  + " T's sequence counter of %s was not carried over",
              seq, highestOnS, lock));
    }
    Console.ok(
        String.format(
            "a lock contender on T got sequence %010d, above the highest on S (%010d): the lock"
                + " order survives the move",
            seq, highestOnS));
    long ms =
        poll.await(
            "lock contender visible on S", PROPAGATION, entered, () -> Zk.exists(opsS, created));
    Console.ok("the contenders still on S see it (t_sync)", ms);
  }

  /** During the migration configuration is changed on S only (README); T must follow. */
  void changeConfigOnS() throws Exception {
    String url = "/config/app1/db.url";
    byte[] newUrl = Zk.utf8("jdbc:mysql://db-app1-new.internal:3306/app1?useSSL=true");
    long written = System.nanoTime();
    opsS.setData(url, newUrl, -1);
    long ms =
        poll.await("config update on T", PROPAGATION, written, () -> sameData(opsT, url, newUrl));
    Console.ok("config change on S (" + url + ") reached T", ms);

    String added = "/config/app1/feature.newCheckout";
    byte[] on = Zk.utf8("true");
    written = System.nanoTime();
    Zk.create(opsS, added, on, CreateMode.PERSISTENT);
    ms = poll.await("new config key on T", PROPAGATION, written, () -> sameData(opsT, added, on));
    Console.ok("new config key on S (" + added + ") reached T", ms);

    String removed = "/config/app3/legacy.endpoint";
    written = System.nanoTime();
    opsS.delete(removed, -1);
    ms =
        poll.await(
            "deleted config key gone from T",
            PROPAGATION,
            written,
            () -> !Zk.exists(opsT, removed));
    Console.ok("config key deleted on S (" + removed + ") left T", ms);
  }

  private static boolean sameData(ZooKeeper zk, String path, byte[] expected)
      throws KeeperException, InterruptedException {
    Zk.Node node = Zk.read(zk, path);
    return node != null && Arrays.equals(node.data(), expected);
  }

  private static String lastName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
