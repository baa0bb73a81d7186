package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on 127.0.0.1 in front of one server port, whose two directions can be delayed,
 * stalled, throttled or reset while a test runs: the network between a daemon and an ensemble.
 *
 * <p>Each direction of each connection is a delay line: a reader takes chunks off the sending
 * socket as they come and stamps them, a writer hands each one on once it is due ({@link #delay}),
 * the direction is not stalled ({@link #stall}) and the bandwidth limit has the tokens ({@link
 * #bandwidth}). Nothing sleeps per byte, so a delay alone never caps throughput; order is kept
 * because one writer sends a direction's chunks in arrival order. Faults apply to the connections
 * already open and to new ones.
 *
 * <p>A stall is a black hole, not an error: connections stay open, nobody sees a FIN or a RST, the
 * sockets just go quiet. What was sent meanwhile is held and delivered, in order, when the stall
 * ends, a FIN included (as TCP retransmits it once the path is back). A connection opened during a
 * stall is held before it reaches the server, as a SYN into a black hole is: it reaches the server
 * when the stall ends if the client still wants it, and never if the client gave up on it meanwhile
 * (otherwise a stale ZooKeeper ConnectRequest would arrive after the client's newer one and make
 * the server close the live connection, which no real network does).
 *
 * <p>The link owns its threads (named {@code faulty-link-PORT-…}, daemon threads) and sockets;
 * {@link #close()} ends them all and may be called any number of times. Register it with the test's
 * {@link ProcessScope} so that it closes when the test fails.
 */
public final class FaultyLink implements AutoCloseable {

  /** One direction of the link. */
  public enum Direction {
    /** What the client sends to the server (requests). */
    CLIENT_TO_SERVER("up"),
    /** What the server sends to the client (responses, watch events). */
    SERVER_TO_CLIENT("down");

    private final String tag;

    Direction(String tag) {
      this.tag = tag;
    }
  }

  // Bytes read ahead per direction of a connection before the reader stops taking more: the
  // delay line holds bandwidth x delay, and a stalled sender then blocks in its own socket buffer.
  // It is the link's only throughput bound under a delay: 32 MB per delay, 640 MB/s at 50 ms (a
  // 2 GB stream measured 560 MB/s through 50 ms, 1.5 GB/s through no delay), far above what a
  // ZooKeeper session carries.
  private static final int MAX_QUEUED_BYTES = 32 * 1024 * 1024;
  private static final int CHUNK = 64 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final InetSocketAddress server;
  private final ServerSocket listener;
  private final int port;
  private final Lane up = new Lane(Direction.CLIENT_TO_SERVER);
  private final Lane down = new Lane(Direction.SERVER_TO_CLIENT);
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();
  private volatile boolean closed;

  private FaultyLink(InetSocketAddress server) {
    this.server = server;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
    }
    this.port = listener.getLocalPort();
    spawn("accept", this::acceptLoop);
  }

  /** A link to {@code host:port}, listening on a free port of 127.0.0.1, with no fault. */
  public static FaultyLink to(String host, int port) {
    return new FaultyLink(new InetSocketAddress(host, port));
  }

  /** A link to the client port of {@code server}. */
  public static FaultyLink to(ZkServerProcess server) {
    return to("127.0.0.1", server.clientPort());
  }

  /** The port the link listens on. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port} of the link: what a client connects to instead of the server. */
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** Delays both directions by {@code oneWay} (a round trip then takes at least twice that). */
  public FaultyLink delay(Duration oneWay) {
    return delay(Direction.CLIENT_TO_SERVER, oneWay).delay(Direction.SERVER_TO_CLIENT, oneWay);
  }

  /** Delays every byte sent in {@code direction} by {@code oneWay}, order kept. */
  public FaultyLink delay(Direction direction, Duration oneWay) {
    if (oneWay.isNegative()) {
      throw new IllegalArgumentException("negative delay " + oneWay);
    }
    lane(direction).delayNanos = oneWay.toNanos();
    wakeAll();
    return this;
  }

  /** Stalls both directions: everything goes quiet, every connection stays open. */
  public FaultyLink stall() {
    return stall(Direction.CLIENT_TO_SERVER).stall(Direction.SERVER_TO_CLIENT);
  }

  /** Stalls one direction: its bytes are held until {@link #resume()} or {@link #heal()}. */
  public FaultyLink stall(Direction direction) {
    lane(direction).stalled = true;
    wakeAll();
    return this;
  }

  /** Ends the stalls (delays and limits stay): what was held is delivered, in order. */
  public FaultyLink resume() {
    up.stalled = false;
    down.stalled = false;
    wakeAll();
    return this;
  }

  /** Limits both directions to {@code bytesPerSecond} each. */
  public FaultyLink bandwidth(long bytesPerSecond) {
    return bandwidth(Direction.CLIENT_TO_SERVER, bytesPerSecond)
        .bandwidth(Direction.SERVER_TO_CLIENT, bytesPerSecond);
  }

  /**
   * Limits {@code direction} to {@code bytesPerSecond}, shared by all connections of the link, as
   * one network path is (a token bucket holding 20 ms worth of bytes).
   */
  public FaultyLink bandwidth(Direction direction, long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bandwidth must be positive: " + bytesPerSecond);
    }
    lane(direction).bucket = new TokenBucket(bytesPerSecond);
    wakeAll();
    return this;
  }

  /**
   * Resets every open connection now (SO_LINGER 0, then close: both ends see a RST); new
   * connections are accepted as before.
   */
  public FaultyLink drop() {
    for (Connection c : List.copyOf(connections)) {
      c.reset();
    }
    return this;
  }

  /** Clears every fault: no delay, no stall, no bandwidth limit; held bytes go out at once. */
  public FaultyLink heal() {
    for (Lane lane : List.of(up, down)) {
      lane.delayNanos = 0;
      lane.stalled = false;
      lane.bucket = null;
    }
    wakeAll();
    return this;
  }

  /** Whether either direction is stalled. */
  public boolean isStalled() {
    return up.stalled || down.stalled;
  }

  // ---- what happened ---------------------------------------------------------------------------

  /** Connections accepted so far. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Connections open now (held ones included). */
  public int openConnections() {
    return connections.size();
  }

  /** Connections reset so far, by {@link #drop()} or because one end reset or failed. */
  public long resetConnections() {
    return resets.get();
  }

  /** Bytes delivered so far in {@code direction}. */
  public long bytesDelivered(Direction direction) {
    return lane(direction).delivered.get();
  }

  /** Threads of this link still alive (for the test of the link itself). */
  public List<Thread> liveThreads() {
    return threads.stream().filter(Thread::isAlive).toList();
  }

  /** Closes the listener and every connection (with a RST) and waits for every thread to end. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    // every thread is joined until it has terminated; a connection accepted just before the
    // listener closed may register after a first reset, so every round resets what is there
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Connection c : List.copyOf(connections)) {
        c.reset();
      }
      wakeAll();
      List<Thread> alive =
          threads.stream().filter(t -> t != Thread.currentThread() && t.isAlive()).toList();
      if (alive.isEmpty()) {
        return;
      }
      for (Thread t : alive) {
        try {
          t.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "FaultyLink "
        + connectString()
        + " -> "
        + server.getHostString()
        + ":"
        + server.getPort()
        + " ["
        + up
        + "; "
        + down
        + "; "
        + connections.size()
        + " open, "
        + accepted.get()
        + " accepted, "
        + resets.get()
        + " reset"
        + (closed ? ", closed" : "")
        + "]";
  }

  // ---- machinery -------------------------------------------------------------------------------

  private Lane lane(Direction direction) {
    return direction == Direction.CLIENT_TO_SERVER ? up : down;
  }

  private void wakeAll() {
    for (Connection c : connections) {
      c.upPump.wake();
      c.downPump.wake();
    }
  }

  /**
   * Starts a thread of the link. Threads stay listed until they have terminated (a thread that
   * removed itself on its way out would still be running when {@link #close()} returned); the
   * terminated ones are dropped as new ones start.
   */
  private void spawn(String name, Runnable body) {
    threads.removeIf(t -> t.getState() == Thread.State.TERMINATED);
    Thread t = new Thread(body, "faulty-link-" + port + "-" + name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        // closed: the link is closing
        return;
      }
      accepted.incrementAndGet();
      Connection c = new Connection(nextId.incrementAndGet(), client);
      connections.add(c);
      if (closed) {
        c.reset();
        return;
      }
      c.start();
    }
  }

  /** One direction's settings, shared by every connection of the link. */
  private static final class Lane {
    final Direction direction;
    final AtomicLong delivered = new AtomicLong();
    volatile long delayNanos;
    volatile boolean stalled;
    volatile TokenBucket bucket;

    Lane(Direction direction) {
      this.direction = direction;
    }

    @Override
    public String toString() {
      TokenBucket b = bucket;
      return direction.tag
          + ": delay "
          + TimeUnit.NANOSECONDS.toMillis(delayNanos)
          + " ms"
          + (stalled ? ", stalled" : "")
          + (b != null ? ", " + b.rate + " B/s" : "")
          + ", "
          + delivered.get()
          + " B delivered";
    }
  }

  /** Bytes per second with a burst of 20 ms worth of bytes (at least one). */
  private static final class TokenBucket {
    final long rate;
    private final double capacity;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(long rate) {
      this.rate = rate;
      this.capacity = Math.max(1.0, rate / 50.0);
      this.tokens = capacity;
    }

    /**
     * Takes up to {@code want} bytes' worth of tokens: the number granted (then 0 to wait), or a
     * negative number, minus the nanoseconds to wait before asking again.
     */
    synchronized long take(int want) {
      long now = System.nanoTime();
      tokens = Math.min(capacity, tokens + (now - last) * (rate / 1e9));
      last = now;
      double need = Math.min(want, capacity);
      if (tokens >= need) {
        tokens -= need;
        return (long) need;
      }
      return -Math.max(1L, (long) ((need - tokens) * 1e9 / rate));
    }
  }

  /** A chunk of bytes and when the link received it; {@code bytes == null} marks the FIN. */
  private record Chunk(byte[] bytes, int length, long receivedNanos) {}

  /** One accepted client socket and, once the path allows it, its socket to the server. */
  private final class Connection {
    final int id;
    final Socket client;
    final Pump upPump;
    final Pump downPump;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Socket upstream;
    private boolean over;
    private int finished;

    Connection(int id, Socket client) {
      this.id = id;
      this.client = client;
      this.upPump = new Pump(this, up);
      this.downPump = new Pump(this, down);
    }

    void start() {
      String name = "c" + id + "-";
      spawn(name + "up-read", () -> upPump.readFrom(client));
      spawn(name + "up-write", this::connectThenForwardUp);
    }

    /**
     * Holds the connection while the path is stalled (as a black hole holds a SYN), then connects
     * to the server, unless the client gave up on it meanwhile.
     */
    private void connectThenForwardUp() {
      if (!upPump.awaitPathOpen()) {
        return;
      }
      if (upPump.clientGaveUp()) {
        // never reached the server, as a handshake into a black hole never does
        close(false);
        return;
      }
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(server, (int) CONNECT_TIMEOUT.toMillis());
        client.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(s);
        reset();
        return;
      }
      lock.lock();
      try {
        if (over) {
          closeQuietly(s);
          return;
        }
        upstream = s;
      } finally {
        lock.unlock();
      }
      String name = "c" + id + "-";
      spawn(name + "down-read", () -> downPump.readFrom(s));
      spawn(name + "down-write", () -> downPump.writeTo(client));
      upPump.writeTo(s);
    }

    /** One direction delivered its FIN; when both have, the connection is over. */
    void finishedOneDirection() {
      boolean both;
      lock.lock();
      try {
        both = ++finished == 2;
      } finally {
        lock.unlock();
      }
      if (both) {
        close(false);
      }
    }

    /** Resets both ends (SO_LINGER 0: each sees a RST, not a FIN). */
    void reset() {
      close(true);
    }

    private void close(boolean withReset) {
      Socket s;
      lock.lock();
      try {
        if (over) {
          return;
        }
        over = true;
        s = upstream;
      } finally {
        lock.unlock();
      }
      if (withReset) {
        resets.incrementAndGet();
        abort(client);
        if (s != null) {
          abort(s);
        }
      } else {
        closeQuietly(client);
        if (s != null) {
          closeQuietly(s);
        }
      }
      connections.remove(this);
      upPump.wake();
      downPump.wake();
    }

    boolean isOver() {
      lock.lock();
      try {
        return over;
      } finally {
        lock.unlock();
      }
    }
  }

  /** One direction of one connection: a reader fills the delay line, a writer drains it. */
  private final class Pump {
    private final Connection connection;
    private final Lane lane;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Chunk> line = new ArrayDeque<>();
    private long queuedBytes;
    private boolean sawFin;

    Pump(Connection connection, Lane lane) {
      this.connection = connection;
      this.lane = lane;
    }

    void wake() {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Whether the client closed before the connection reached the server. */
    boolean clientGaveUp() {
      lock.lock();
      try {
        return sawFin;
      } finally {
        lock.unlock();
      }
    }

    /** Waits until neither direction is stalled; false when the connection ended meanwhile. */
    boolean awaitPathOpen() {
      lock.lock();
      try {
        while (!connection.isOver() && !closed && (up.stalled || down.stalled)) {
          changed.await(200, TimeUnit.MILLISECONDS);
        }
        return !connection.isOver() && !closed;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        lock.unlock();
      }
    }

    void readFrom(Socket from) {
      try {
        InputStream in = from.getInputStream();
        while (true) {
          byte[] buf = new byte[CHUNK];
          int n = in.read(buf);
          if (!offer(n < 0 ? new Chunk(null, 0, System.nanoTime()) : chunk(buf, n))) {
            return;
          }
          if (n < 0) {
            return;
          }
        }
      } catch (IOException e) {
        // a RST from this end, or the link closing: the other end gets a RST too
        connection.reset();
      }
    }

    private Chunk chunk(byte[] buf, int n) {
      // a small read keeps a small array: a delay line of pings must not hold 64 KB each
      byte[] bytes = n < CHUNK / 4 ? Arrays.copyOf(buf, n) : buf;
      return new Chunk(bytes, n, System.nanoTime());
    }

    /** Appends to the line, waiting while it is full; false when the connection ended. */
    private boolean offer(Chunk c) {
      lock.lock();
      try {
        while (queuedBytes >= MAX_QUEUED_BYTES && !connection.isOver()) {
          changed.await(200, TimeUnit.MILLISECONDS);
        }
        if (connection.isOver()) {
          return false;
        }
        line.addLast(c);
        queuedBytes += c.length();
        if (c.bytes() == null) {
          sawFin = true;
        }
        changed.signalAll();
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        lock.unlock();
      }
    }

    void writeTo(Socket to) {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk c = awaitDue();
          if (c == null) {
            return;
          }
          if (c.bytes() == null) {
            to.shutdownOutput();
            connection.finishedOneDirection();
            return;
          }
          int off = 0;
          while (off < c.length()) {
            int n = awaitTokens(c.length() - off);
            if (n < 0) {
              return;
            }
            out.write(c.bytes(), off, n);
            off += n;
            lane.delivered.addAndGet(n);
          }
          out.flush();
          lock.lock();
          try {
            line.removeFirst();
            queuedBytes -= c.length();
            changed.signalAll();
          } finally {
            lock.unlock();
          }
        }
      } catch (IOException e) {
        // this end reset or closed: so does the other one
        connection.reset();
      }
    }

    /** The head of the line once it is due and its direction not stalled; null when over. */
    private Chunk awaitDue() {
      lock.lock();
      try {
        while (true) {
          if (connection.isOver() || closed) {
            return null;
          }
          Chunk head = line.peekFirst();
          if (head != null && !lane.stalled) {
            long wait = head.receivedNanos() + lane.delayNanos - System.nanoTime();
            if (wait <= 0) {
              return head;
            }
            changed.awaitNanos(wait);
          } else {
            changed.await(200, TimeUnit.MILLISECONDS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } finally {
        lock.unlock();
      }
    }

    /** Bytes the bandwidth limit allows now (waiting for them, and while stalled); -1 if over. */
    private int awaitTokens(int want) {
      lock.lock();
      try {
        while (true) {
          if (connection.isOver() || closed) {
            return -1;
          }
          if (lane.stalled) {
            // a stall may start in the middle of a chunk: the rest waits with it
            changed.await(200, TimeUnit.MILLISECONDS);
            continue;
          }
          TokenBucket b = lane.bucket;
          if (b == null) {
            return want;
          }
          long granted = b.take(want);
          if (granted > 0) {
            return (int) granted;
          }
          changed.awaitNanos(-granted);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      } finally {
        lock.unlock();
      }
    }
  }

  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
