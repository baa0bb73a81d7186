package io.zk2zk.demo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * The data of the old ensemble S: a Dubbo service registry, an application config tree, Curator
 * style locks and a queue, written the way those clients write them.
 */
final class RegistrySeed {

  static final String ORDER_SERVICE = "com.example.order.OrderService";
  static final String COUPON_SERVICE = "com.example.coupon.CouponService";
  static final String ORDER_LOCK = "/locks/order-processor";

  /** The provider instance that the demo later moves from S to T. */
  static final String MOVER_HOST = "10.0.2.12";

  static final int DUBBO_PORT = 20880;

  // service interface, application that provides it
  private static final List<String[]> SERVICES =
      List.of(
          new String[] {"com.example.user.UserService", "user-service"},
          new String[] {ORDER_SERVICE, "order-service"},
          new String[] {"com.example.payment.PaymentService", "payment-service"},
          new String[] {"com.example.inventory.InventoryService", "inventory-service"},
          new String[] {"com.example.shipping.ShippingService", "shipping-service"},
          new String[] {"com.example.catalog.CatalogService", "catalog-service"},
          new String[] {"com.example.cart.CartService", "cart-service"},
          new String[] {"com.example.notify.NotificationService", "notification-service"});

  private static final int PROVIDERS_PER_SERVICE = 3;
  private static final int CONSUMERS_PER_SERVICE = 2;
  private static final int APPS = 6;
  private static final int PAST_LOCK_HOLDERS = 9;
  private static final int QUEUE_ITEMS = 12;
  private static final int QUEUE_CONSUMED = 4;

  /** What was written, for the demo's narration. */
  record Summary(int services, int providers, int consumers, int configKeys, String moverPath) {}

  private RegistrySeed() {}

  static String providerPath(String service, String app, String host, long timestamp) {
    String url =
        "dubbo://"
            + host
            + ":"
            + DUBBO_PORT
            + "/"
            + service
            + "?anyhost=true&application="
            + app
            + "&deprecated=false&dubbo=2.0.2&dynamic=true&generic=false&interface="
            + service
            + "&methods=create,get,list,update&pid="
            + (1000 + Math.floorMod(host.hashCode(), 9000))
            + "&release=3.2.10&side=provider&timestamp="
            + timestamp;
    // Dubbo names registry nodes by the URL-encoded full URL (java.net.URLEncoder, UTF-8).
    return "/dubbo/" + service + "/providers/" + URLEncoder.encode(url, StandardCharsets.UTF_8);
  }

  private static String consumerPath(String service, String app, String host, long timestamp) {
    String url =
        "consumer://"
            + host
            + "/"
            + service
            + "?application="
            + app
            + "&category=consumers&check=false&dubbo=2.0.2&interface="
            + service
            + "&release=3.2.10&side=consumer&timestamp="
            + timestamp;
    return "/dubbo/" + service + "/consumers/" + URLEncoder.encode(url, StandardCharsets.UTF_8);
  }

  /**
   * Writes the seed. Ephemerals belong to {@code registry}, except the provider that will move,
   * which belongs to its own session {@code mover} so that it can leave S on its own.
   */
  static Summary seed(ZooKeeper registry, ZooKeeper mover, long timestamp)
      throws KeeperException, InterruptedException {
    byte[] empty = new byte[0];
    String moverPath = null;
    int providers = 0;
    int consumers = 0;
    // Persistent parents with null data, as a raw client that passes no data writes them: the
    // copy must keep null and empty data apart.
    Zk.create(registry, "/dubbo", null, CreateMode.PERSISTENT);
    for (int s = 0; s < SERVICES.size(); s++) {
      String service = SERVICES.get(s)[0];
      String app = SERVICES.get(s)[1];
      String root = "/dubbo/" + service;
      Zk.create(registry, root, empty, CreateMode.PERSISTENT);
      for (String category : List.of("providers", "consumers", "configurators", "routers")) {
        Zk.create(registry, root + "/" + category, empty, CreateMode.PERSISTENT);
      }
      for (int p = 1; p <= PROVIDERS_PER_SERVICE; p++) {
        String host = "10.0." + (s + 1) + "." + (10 + p);
        String path = providerPath(service, app, host, timestamp - 3_600_000L * p);
        // Dubbo's Curator client writes no data, so Curator stores the host address.
        boolean moves = service.equals(ORDER_SERVICE) && host.equals(MOVER_HOST);
        Zk.create(moves ? mover : registry, path, Zk.utf8(host), CreateMode.EPHEMERAL);
        if (moves) {
          moverPath = path;
        }
        providers++;
      }
      for (int c = 1; c <= CONSUMERS_PER_SERVICE; c++) {
        String host = "10.0.9." + (10 * s + c);
        String path = consumerPath(service, "web-gateway-" + c, host, timestamp - 60_000L * c);
        Zk.create(registry, path, Zk.utf8(host), CreateMode.EPHEMERAL);
        consumers++;
      }
    }
    String override =
        "override://0.0.0.0/"
            + ORDER_SERVICE
            + "?category=configurators&dynamic=false&enabled=true&timeout=3000";
    Zk.create(
        registry,
        "/dubbo/"
            + ORDER_SERVICE
            + "/configurators/"
            + URLEncoder.encode(override, StandardCharsets.UTF_8),
        empty,
        CreateMode.PERSISTENT);

    int configKeys = 0;
    Zk.create(registry, "/config", null, CreateMode.PERSISTENT);
    for (int a = 1; a <= APPS; a++) {
      String app = "/config/app" + a;
      Zk.create(registry, app, empty, CreateMode.PERSISTENT);
      String[][] keys = {
        {"db.url", "jdbc:mysql://db-app" + a + ".internal:3306/app" + a + "?useSSL=true"},
        {"db.user", "app" + a + "_rw"},
        {"db.pool.maxSize", Integer.toString(10 + 5 * a)},
        {"cache.ttl.seconds", "300"},
        {"log.level", a % 2 == 0 ? "DEBUG" : "INFO"},
        {"feature.flags", "{\"newCheckout\":false,\"darkMode\":" + (a % 3 == 0) + "}"}
      };
      for (String[] key : keys) {
        Zk.create(registry, app + "/" + key[0], Zk.utf8(key[1]), CreateMode.PERSISTENT);
        configKeys++;
      }
    }
    Zk.create(
        registry,
        "/config/app3/legacy.endpoint",
        Zk.utf8("http://legacy.internal/api/v1"),
        CreateMode.PERSISTENT);
    configKeys++;

    // Curator InterProcessMutex: ephemeral-sequential "_c_<uuid>-lock-" children. Past holders
    // came and went, so S's sequence counter is well above the number of children it has now.
    Zk.create(registry, "/locks", empty, CreateMode.PERSISTENT);
    Zk.create(registry, ORDER_LOCK, empty, CreateMode.PERSISTENT);
    for (int i = 0; i < PAST_LOCK_HOLDERS; i++) {
      String held = lockContender(registry, ORDER_LOCK, "10.0.2.1" + (i % 3));
      registry.delete(held, -1);
    }
    for (int i = 0; i < 3; i++) {
      lockContender(registry, ORDER_LOCK, "10.0.2.1" + i);
    }
    Zk.create(registry, "/locks/inventory-sync", empty, CreateMode.PERSISTENT);
    lockContender(registry, "/locks/inventory-sync", "10.0.4.11");

    // Curator DistributedQueue: persistent-sequential "queue-" items, the oldest already taken.
    Zk.create(registry, "/queues", empty, CreateMode.PERSISTENT);
    Zk.create(registry, "/queues/email-jobs", empty, CreateMode.PERSISTENT);
    for (int i = 0; i < QUEUE_ITEMS; i++) {
      String item =
          Zk.create(
              registry,
              "/queues/email-jobs/queue-",
              Zk.utf8("{\"to\":\"user" + i + "@example.com\",\"template\":\"order-shipped\"}"),
              CreateMode.PERSISTENT_SEQUENTIAL);
      if (i < QUEUE_CONSUMED) {
        registry.delete(item, -1);
      }
    }
    return new Summary(SERVICES.size(), providers, consumers, configKeys, moverPath);
  }

  /** Enters a Curator-style lock queue; returns the created node's path. */
  static String lockContender(ZooKeeper zk, String lock, String host)
      throws KeeperException, InterruptedException {
    return Zk.create(
        zk,
        lock + "/_c_" + UUID.randomUUID() + "-lock-",
        Zk.utf8(host),
        CreateMode.EPHEMERAL_SEQUENTIAL);
  }
}
