package io.zk2zk.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.SocketFactory;

/** Sends ZooKeeper four-letter-word commands ({@code srvr}, {@code ruok}...) over a raw socket. */
public final class FourLetterWords {

  /** {@code mntr}'s count of data and child watches (3.4's {@code wchs} counts data ones only). */
  public static final Pattern MNTR_WATCH_COUNT = Pattern.compile("(?m)^zk_watch_count\\s+(\\d+)");

  private FourLetterWords() {}

  /** The server's whole answer to {@code command}; throws when the server is not listening. */
  public static String send(String host, int port, String command, Duration timeout)
      throws IOException {
    return send(host, port, command, timeout, SocketFactory.getDefault());
  }

  /**
   * The number that {@code pattern}'s first group finds in a local server's answer to {@code
   * command}, e.g. {@code mntr}'s {@code zk_watch_count}; throws when it finds none.
   */
  public static long number(int clientPort, String command, Pattern pattern) throws IOException {
    String answer = send("127.0.0.1", clientPort, command, Duration.ofSeconds(5));
    Matcher m = pattern.matcher(answer);
    if (!m.find()) {
      throw new IllegalStateException(
          "unexpected " + command + " answer from port " + clientPort + ": " + answer);
    }
    return Long.parseLong(m.group(1));
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
