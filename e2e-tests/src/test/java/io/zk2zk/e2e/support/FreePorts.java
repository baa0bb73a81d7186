package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Hands out free TCP ports on 127.0.0.1, never the same one twice in a test JVM. */
public final class FreePorts {

  // Ports already handed out: the OS may offer a just-closed port again before its user binds it.
  private static final Set<Integer> GIVEN = new HashSet<>();

  private FreePorts() {}

  /** A port that nothing listened on a moment ago and that this JVM has not handed out yet. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (GIVEN.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("no fresh free port after 100 attempts");
  }
}
