package io.zk2zk.e2e.support;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** A ZooKeeper ensemble of real server processes on 127.0.0.1, one folder per member. */
public final class ZkEnsemble implements AutoCloseable {

  private final String version;
  private final List<ZkServerProcess> members;

  private ZkEnsemble(String version, List<ZkServerProcess> members) {
    this.version = version;
    this.members = members;
  }

  /** An ensemble of {@code size} members under {@code dir} (not started). */
  public static ZkEnsemble create(String version, Path dir, int size) {
    List<Integer> clientPorts = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      clientPorts.add(FreePorts.next());
      // The 3.4 form of a server line, which every later version still accepts.
      peers.add("server." + id + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
    }
    List<ZkServerProcess> members = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      members.add(
          ZkServerProcess.member(
              version, dir.resolve("zk" + id), clientPorts.get(id - 1), id, peers));
    }
    return new ZkEnsemble(version, members);
  }

  /** Starts every member, then waits until all of them serve. */
  public ZkEnsemble start() {
    // All JVMs first: no member can serve before a quorum is up.
    members.forEach(ZkServerProcess::launch);
    members.forEach(m -> m.awaitServing(ZkServerProcess.START_TIMEOUT));
    return this;
  }

  /** The members, in {@code myid} order (index 0 is server.1). */
  public List<ZkServerProcess> members() {
    return members;
  }

  /** Member {@code myid} (1-based, as in {@code server.N}). */
  public ZkServerProcess member(int myId) {
    return members.get(myId - 1);
  }

  /** All members' addresses, comma-separated. */
  public String connectString() {
    return members.stream().map(ZkServerProcess::connectString).collect(Collectors.joining(","));
  }

  /** The ZooKeeper version of the members. */
  public String version() {
    return version;
  }

  /** The member whose {@code srvr} says {@code Mode: leader}, waiting for an election to end. */
  public ZkServerProcess leader(Duration timeout) {
    return await("a leader in " + this)
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .until(this::currentLeader, Optional::isPresent)
        .orElseThrow();
  }

  private Optional<ZkServerProcess> currentLeader() {
    return members.stream()
        .filter(ZkServerProcess::isAlive)
        .filter(m -> m.mode().filter("leader"::equals).isPresent())
        .findFirst();
  }

  /** Kills every member ({@code kill -9}). */
  public void kill9All() {
    members.forEach(ZkServerProcess::kill9);
  }

  /** Starts every stopped member again (same ports, same data) and waits until all serve. */
  public ZkEnsemble restartStopped() {
    members.stream().filter(m -> !m.isAlive()).forEach(ZkServerProcess::launch);
    members.forEach(m -> m.awaitServing(ZkServerProcess.START_TIMEOUT));
    return this;
  }

  /** Always kills every member and waits for them. */
  @Override
  public void close() {
    members.forEach(ZkServerProcess::close);
  }

  @Override
  public String toString() {
    return "ZooKeeper " + version + " ensemble @" + connectString();
  }
}
