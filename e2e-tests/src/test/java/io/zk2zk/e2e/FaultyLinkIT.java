package io.zk2zk.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zk2zk.e2e.support.E2EConfig;
import io.zk2zk.e2e.support.FaultyLink;
import io.zk2zk.e2e.support.FaultyLink.Direction;
import io.zk2zk.e2e.support.FaultyLinks;
import io.zk2zk.e2e.support.ProcessScope;
import io.zk2zk.e2e.support.ProcessScopeExtension;
import io.zk2zk.e2e.support.Zk;
import io.zk2zk.e2e.support.ZkEnsemble;
import io.zk2zk.e2e.support.ZkServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test link itself, with a plain ZooKeeper client going through it to a real server: it
 * forwards, a stall is silence (the client's own timeout notices it, nothing resets), a heal lets
 * the same session back, a delay is at least a delay, a drop is a reset, a bandwidth limit paces,
 * and close leaves no thread behind. Bounds are lower bounds only: speed lives in the benchmarks.
 */
@ExtendWith(ProcessScopeExtension.class)
class FaultyLinkIT {

  /**
   * The test client's session: it notices silence after two thirds of it (4 s) and the server
   * expires it only after all of it, which leaves a heal right after the disconnect 2 s to spare.
   */
  private static final Duration SESSION = Duration.ofSeconds(6);

  private ProcessScope scope;
  private ZkServerProcess server;

  @BeforeEach
  void init(ProcessScope scope) {
    this.scope = scope;
  }

  private void startServer() {
    server = scope.startZk(E2EConfig.ZK39);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** A raw client that records its connection states, closed with the scope. */
  private static final class Client implements AutoCloseable {
    final ZooKeeper zk;
    final List<KeeperState> states = new CopyOnWriteArrayList<>();

    Client(String connectString, Duration session) throws Exception {
      ZKClientConfig config = new ZKClientConfig();
      config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
      CountDownLatch connected = new CountDownLatch(1);
      zk =
          new ZooKeeper(
              connectString,
              (int) session.toMillis(),
              event -> {
                if (event.getPath() == null) {
                  states.add(event.getState());
                  if (event.getState() == KeeperState.SyncConnected) {
                    connected.countDown();
                  }
                }
              },
              config);
      if (!connected.await(Zk.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        zk.close();
        throw new IllegalStateException("no session through " + connectString);
      }
    }

    /** How many times the client reached {@code state} so far. */
    long count(KeeperState state) {
      return states.stream().filter(s -> s == state).count();
    }

    /** A getData sent now, answered with its result code (OK, CONNECTIONLOSS, …). */
    CompletableFuture<KeeperException.Code> getDataAsync(String path) {
      CompletableFuture<KeeperException.Code> answer = new CompletableFuture<>();
      zk.getData(path, false, (rc, p, ctx, data, stat) -> answer.complete(code(rc)), null);
      return answer;
    }

    private static KeeperException.Code code(int rc) {
      return KeeperException.Code.get(rc);
    }

    @Override
    public void close() throws InterruptedException {
      zk.close();
    }
  }

  private Client clientThrough(String connectString) throws Exception {
    return scope.register(new Client(connectString, SESSION));
  }

  @Test
  void forwardsReadsAndWritesBothWays() throws Exception {
    startServer();
    FaultyLink link = scope.link(server);
    Client client = clientThrough(link.connectString());
    Zk direct = scope.connect(server);

    client.zk.create(
        "/through", bytes("via link"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    direct.createPersistent("/direct", bytes("direct"));

    assertThat(direct.getData("/through")).isEqualTo(bytes("via link"));
    assertThat(client.zk.getData("/direct", false, null)).isEqualTo(bytes("direct"));
    assertThat(link.acceptedConnections()).isEqualTo(1);
    assertThat(link.openConnections()).isEqualTo(1);
    assertThat(link.bytesDelivered(Direction.CLIENT_TO_SERVER)).isPositive();
    assertThat(link.bytesDelivered(Direction.SERVER_TO_CLIENT)).isPositive();
    assertThat(client.count(KeeperState.Disconnected)).isZero();
  }

  /**
   * A stall: the request gets no answer and no error until the client's own read timeout ends the
   * connection (nothing resets it); after the heal the client gets the same session back, from the
   * connection it was trying when the stall ended.
   */
  @Test
  void stallSilencesTheClientUntilItsTimeoutThenHealLetsTheSessionBack() throws Exception {
    startServer();
    FaultyLink link = scope.link(server);
    Client client = clientThrough(link.connectString());
    Zk direct = scope.connect(server);
    direct.createPersistent("/n", bytes("before"));
    long session = client.zk.getSessionId();

    link.stall();
    long stalledAt = System.nanoTime();
    CompletableFuture<KeeperException.Code> answer = client.getDataAsync("/n");
    // silence, not an error: for a second nothing at all comes back
    await("no answer, no disconnect while stalled")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !answer.isDone() && client.count(KeeperState.Disconnected) == 0);
    await("the client's read timeout ends the connection")
        .atMost(SESSION)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> client.count(KeeperState.Disconnected) == 1);
    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt);
    assertThat(answer.get(1, TimeUnit.SECONDS)).isEqualTo(KeeperException.Code.CONNECTIONLOSS);
    // the client pings every third of the session: it noticed silence of 2/3 of it, no sooner
    assertThat(silentMs).isGreaterThanOrEqualTo(SESSION.toMillis() / 3);
    // the link kept the old connection open (held its FIN) and holds the client's next attempt
    assertThat(link.resetConnections()).isZero();
    direct.setData("/n", bytes("during"));

    link.heal();
    await("the client reconnects after the heal")
        .atMost(SESSION)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> client.count(KeeperState.SyncConnected) == 2);
    assertThat(client.count(KeeperState.Expired)).isZero();
    assertThat(client.zk.getSessionId()).isEqualTo(session);
    assertThat(client.zk.getData("/n", false, null)).isEqualTo(bytes("during"));
    client.zk.setData("/n", bytes("after"), -1);
    assertThat(direct.getData("/n")).isEqualTo(bytes("after"));
  }

  /**
   * A one-way delay in each direction: a round trip takes at least both; a pipelined burst keeps
   * its order (the client drops the connection on a response out of order).
   */
  @Test
  void delayMakesEachRoundTripAtLeastTwiceTheOneWayDelay() throws Exception {
    startServer();
    FaultyLink link = scope.link(server);
    Client client = clientThrough(link.connectString());
    client.zk.create("/d", bytes("d"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

    Duration oneWay = Duration.ofMillis(150);
    link.delay(oneWay);
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      client.zk.exists("/d", false);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("round trip %d through a %s one-way delay", i, oneWay)
          .isGreaterThanOrEqualTo(oneWay.multipliedBy(2));
    }

    // requests only: the round trip holds the one direction's delay
    link.heal().delay(Direction.CLIENT_TO_SERVER, Duration.ofMillis(300));
    long start = System.nanoTime();
    client.zk.exists("/d", false);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));

    link.heal().delay(oneWay);
    List<CompletableFuture<KeeperException.Code>> burst = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      CompletableFuture<KeeperException.Code> done = new CompletableFuture<>();
      client.zk.create(
          "/d/n" + i,
          bytes("v" + i),
          ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT,
          (rc, path, ctx, name) -> done.complete(KeeperException.Code.get(rc)),
          null);
      burst.add(done);
    }
    for (CompletableFuture<KeeperException.Code> done : burst) {
      assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(KeeperException.Code.OK);
    }
    assertThat(client.zk.getChildren("/d", false)).hasSize(200);
    assertThat(client.count(KeeperState.Disconnected)).isZero();
  }

  /** A drop resets the connection at once (no timeout); the client reconnects its session. */
  @Test
  void dropResetsTheConnectionAndTheClientReconnects() throws Exception {
    startServer();
    FaultyLink link = scope.link(server);
    Client client = clientThrough(link.connectString());
    long session = client.zk.getSessionId();

    long droppedAt = System.nanoTime();
    link.drop();
    await("the client sees the reset")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> client.count(KeeperState.Disconnected) == 1);
    // a reset, not silence: noticed long before the read timeout (2/3 of the session)
    assertThat(Duration.ofNanos(System.nanoTime() - droppedAt))
        .isLessThan(SESSION.multipliedBy(2).dividedBy(3));
    assertThat(link.resetConnections()).isEqualTo(1);
    await("the client reconnects")
        .atMost(SESSION)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> client.count(KeeperState.SyncConnected) == 2);
    assertThat(client.zk.getSessionId()).isEqualTo(session);
    assertThat(client.zk.exists("/", false)).isNotNull();
    assertThat(link.acceptedConnections()).isGreaterThanOrEqualTo(2);
  }

  /** A bandwidth limit: a large request takes at least its size over the rate. */
  @Test
  void bandwidthLimitPacesALargeRequest() throws Exception {
    startServer();
    FaultyLink link = scope.link(server);
    Client client = clientThrough(link.connectString());
    client.zk.create("/big", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

    long rate = 100_000;
    int size = 250_000;
    link.bandwidth(Direction.CLIENT_TO_SERVER, rate);
    long start = System.nanoTime();
    client.zk.setData("/big", new byte[size], -1);
    // the bucket starts full (20 ms worth of bytes); the rest waits for tokens
    long floorMs = (size - rate / 50) * 1000 / rate;
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(floorMs);

    link.heal();
    assertThat(client.zk.getData("/big", false, null)).hasSize(size);
  }

  /** close() resets the client, stops listening, ends every thread, and may be called again. */
  @Test
  void closeEndsEveryThreadAndSocket() throws Exception {
    startServer();
    FaultyLink link = scope.link(server);
    Client client = clientThrough(link.connectString());
    link.stall();
    client.getDataAsync("/");
    assertThat(link.liveThreads()).hasSizeGreaterThanOrEqualTo(5);

    link.close();
    link.close();

    assertThat(link.liveThreads()).isEmpty();
    assertThat(link.openConnections()).isZero();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("faulty-link-" + link.port() + "-"))
                .toList())
        .isEmpty();
    await("the client sees its connection gone")
        .atMost(Duration.ofSeconds(5))
        .until(() -> client.count(KeeperState.Disconnected) == 1);
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), link.port()).close())
        .isInstanceOf(IOException.class);
  }

  /**
   * An ensemble behind one link per member: the client's connect string names the links; a stall of
   * the member it uses sends it to another member, with its session.
   */
  @Test
  void linksToAnEnsembleStallOneMemberAndTheClientMovesOn() throws Exception {
    ZkEnsemble ensemble = scope.startEnsemble(E2EConfig.ZK39);
    FaultyLinks links = scope.register(FaultyLinks.to(ensemble));
    assertThat(links.connectString().split(",")).hasSize(3);
    Client client = clientThrough(links.connectString());
    long session = client.zk.getSessionId();
    client.zk.create("/e", bytes("e"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

    FaultyLink used =
        await("exactly one link carries the client")
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> links.links().stream().filter(l -> l.openConnections() > 0).toList(),
                open -> open.size() == 1)
            .get(0);
    used.stall();
    await("the client leaves the stalled member and reconnects through another link")
        .atMost(SESSION.multipliedBy(2))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> client.count(KeeperState.SyncConnected) == 2);
    assertThat(client.count(KeeperState.Disconnected)).isEqualTo(1);
    assertThat(client.zk.getSessionId()).isEqualTo(session);
    assertThat(client.zk.getData("/e", false, null)).isEqualTo(bytes("e"));
    assertThat(
            links.links().stream()
                .filter(l -> l != used)
                .mapToLong(FaultyLink::acceptedConnections)
                .sum())
        .isPositive();
    links.heal();
  }
}
