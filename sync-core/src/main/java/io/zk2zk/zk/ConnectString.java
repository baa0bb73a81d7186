package io.zk2zk.zk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A ZooKeeper connect string made of the repeatable, comma-separated address flags. */
public record ConnectString(List<String> hosts, String chroot) {

  /** Joins repeated flag values, each of which may hold a comma-separated host list. */
  public static ConnectString parse(List<String> values) {
    List<String> hosts = new ArrayList<>();
    String chroot = "";
    for (String v : values) {
      String s = v.trim();
      int slash = s.indexOf('/');
      if (slash >= 0) {
        String c = s.substring(slash);
        if (!chroot.isEmpty() && !chroot.equals(c)) {
          throw new IllegalArgumentException("conflicting chroots " + chroot + " and " + c);
        }
        chroot = c;
        s = s.substring(0, slash);
      }
      for (String h : s.split(",")) {
        if (!h.isBlank()) {
          hosts.add(h.trim());
        }
      }
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("no host given");
    }
    for (String h : hosts) {
      int colon = h.lastIndexOf(':');
      if (colon > 0) {
        String port = h.substring(colon + 1);
        try {
          int p = Integer.parseInt(port);
          if (p <= 0 || p > 65535) {
            throw new IllegalArgumentException("port out of range in '" + h + "'");
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("malformed port in '" + h + "'");
        }
      }
    }
    return new ConnectString(List.copyOf(hosts), chroot);
  }

  @Override
  public String toString() {
    return String.join(",", hosts) + chroot;
  }

  /**
   * True when both strings name a common server (same address and port once resolved), whatever
   * their chroots: syncing an ensemble onto itself, even into another chroot, never ends.
   */
  public boolean sharesServerWith(ConnectString other) {
    java.util.Set<String> mine = resolvedServers();
    for (String s : other.resolvedServers()) {
      if (mine.contains(s)) {
        return true;
      }
    }
    return false;
  }

  private java.util.Set<String> resolvedServers() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String h : hosts) {
      out.add(h.toLowerCase(java.util.Locale.ROOT));
      try {
        for (InetAddress a : InetAddress.getAllByName(host(h))) {
          String ip = a.isLoopbackAddress() ? "loopback" : a.getHostAddress();
          out.add(ip + ":" + port(h));
        }
      } catch (UnknownHostException e) {
        // reported by checkResolvable
      }
    }
    return out;
  }

  /** Fails with a clear message when no host of the list resolves. */
  public void checkResolvable() throws StartupException {
    List<String> failures = new ArrayList<>();
    for (String h : hosts) {
      try {
        InetAddress.getAllByName(host(h));
        return;
      } catch (UnknownHostException e) {
        failures.add(h);
      }
    }
    throw new StartupException("cannot resolve host " + String.join(", ", failures));
  }

  /** A short reason why no host accepts a TCP connection, or {@code null} if one does. */
  public String probeTcp(int timeoutMs) {
    StringBuilder why = new StringBuilder();
    for (String h : hosts) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host(h), port(h)), timeoutMs);
        return null;
      } catch (IOException e) {
        if (why.length() > 0) {
          why.append("; ");
        }
        why.append(h).append(": ").append(e.getMessage() == null ? e : e.getMessage());
      }
    }
    return why.toString();
  }

  private static String host(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String h = colon > 0 ? hostPort.substring(0, colon) : hostPort;
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private static int port(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 2181;
  }
}
