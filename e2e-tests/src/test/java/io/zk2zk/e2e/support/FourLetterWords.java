package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.SocketFactory;

/** Sends ZooKeeper four-letter-word commands ({@code srvr}, {@code ruok}...) over a raw socket. */
public final class FourLetterWords {

  private FourLetterWords() {}

  /** The server's whole answer to {@code command}; throws when the server is not listening. */
  public static String send(String host, int port, String command, Duration timeout)
      throws IOException {
    return send(host, port, command, timeout, SocketFactory.getDefault());
  }

  /**
   * Like {@link #send(String, int, String, Duration)}, over sockets from {@code sockets} (e.g. TLS
   * sockets for a server's {@code secureClientPort}).
   */
  public static String send(
      String host, int port, String command, Duration timeout, SocketFactory sockets)
      throws IOException {
    int millis = Math.toIntExact(timeout.toMillis());
    try (Socket socket = sockets.createSocket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
