package io.zk2zk.metrics;

import io.zk2zk.zk.ZkSide;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Healthy unless a side has been disconnected for longer than its session timeout: a short
 * disconnection is ridden out by the client (same session, nothing lost), a longer one means that
 * side is down or unreachable, and syncing has stopped.
 */
public final class HealthCheck {

  /** The answer of {@code /health}: {@code reason} is one line, "ok" when healthy. */
  public record Status(boolean healthy, String reason) {}

  private final LongSupplier nanoClock;
  private final List<Side> sides = new CopyOnWriteArrayList<>();

  public HealthCheck() {
    this(System::nanoTime);
  }

  HealthCheck(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** One side's connection as its Curator connection state listener reports it. */
  static final class Side {
    private final String role;
    private final String address;
    private final Duration sessionTimeout;
    private final LongSupplier nanoClock;
    private boolean connected;
    private boolean everConnected;
    private long since;

    Side(String role, String address, Duration sessionTimeout, LongSupplier nanoClock) {
      this.role = role;
      this.address = address;
      this.sessionTimeout = sessionTimeout;
      this.nanoClock = nanoClock;
      this.since = nanoClock.getAsLong();
    }

    synchronized void connected(boolean now) {
      if (now != connected) {
        connected = now;
        since = nanoClock.getAsLong();
      }
      everConnected |= now;
    }

    synchronized boolean isConnected() {
      return connected;
    }

    /** Null when healthy, else the reason. */
    synchronized String problem() {
      if (connected) {
        return null;
      }
      long downNanos = nanoClock.getAsLong() - since;
      if (downNanos <= sessionTimeout.toNanos()) {
        return null;
      }
      return String.format(
          "%s %s %s for %d s, longer than its session timeout (%d s)",
          role,
          address,
          everConnected ? "disconnected" : "not connected",
          downNanos / 1_000_000_000L,
          sessionTimeout.toSeconds());
    }
  }

  /**
   * Follows a side's connection from now on. Call before the side starts, so that its first
   * connection is seen; until then it counts as not connected.
   */
  public void watch(ZkSide side) {
    Side s = add(side.role(), side.connectString().toString(), side.sessionTimeout());
    side.addConnectionListener(state -> s.connected(state.isConnected()));
    s.connected(side.isConnected());
  }

  Side add(String role, String address, Duration sessionTimeout) {
    Side s = new Side(role, address, sessionTimeout, nanoClock);
    sides.add(s);
    return s;
  }

  /** Healthy, or the first side that has been disconnected too long. */
  public Status status() {
    for (Side s : sides) {
      String problem = s.problem();
      if (problem != null) {
        return new Status(false, problem);
      }
    }
    return new Status(true, "ok");
  }

  /** Each side's role and whether it is connected now. */
  void forEach(BiConsumer<String, Boolean> action) {
    for (Side s : sides) {
      action.accept(s.role, s.isConnected());
    }
  }
}
