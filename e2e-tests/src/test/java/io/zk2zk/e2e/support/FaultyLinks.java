package io.zk2zk.e2e.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One {@link FaultyLink} per member of an ensemble, switched together, and the connect string that
 * names the links instead of the members: the network between a daemon and a whole ensemble.
 */
public final class FaultyLinks implements AutoCloseable {

  private final List<FaultyLink> links;

  private FaultyLinks(List<FaultyLink> links) {
    this.links = List.copyOf(links);
  }

  /** A link to each member of {@code ensemble}, in {@code myid} order. */
  public static FaultyLinks to(ZkEnsemble ensemble) {
    return to(ensemble.members());
  }

  /** A link to each of {@code servers}, in order. */
  public static FaultyLinks to(List<ZkServerProcess> servers) {
    List<FaultyLink> links = new ArrayList<>();
    try {
      for (ZkServerProcess server : servers) {
        links.add(FaultyLink.to(server));
      }
    } catch (RuntimeException e) {
      links.forEach(FaultyLink::close);
      throw e;
    }
    return new FaultyLinks(links);
  }

  /** The links, in the order of the servers. */
  public List<FaultyLink> links() {
    return links;
  }

  /** The link to the {@code index}-th server (0-based; for an ensemble, member {@code index+1}). */
  public FaultyLink link(int index) {
    return links.get(index);
  }

  /** The links' addresses, comma-separated: what the daemon gets instead of the ensemble's. */
  public String connectString() {
    return links.stream().map(FaultyLink::connectString).collect(Collectors.joining(","));
  }

  /** {@link FaultyLink#delay(Duration)} on every link. */
  public FaultyLinks delay(Duration oneWay) {
    return each(l -> l.delay(oneWay));
  }

  /** {@link FaultyLink#stall()} on every link. */
  public FaultyLinks stall() {
    return each(FaultyLink::stall);
  }

  /** {@link FaultyLink#resume()} on every link. */
  public FaultyLinks resume() {
    return each(FaultyLink::resume);
  }

  /** {@link FaultyLink#bandwidth(long)} on every link. */
  public FaultyLinks bandwidth(long bytesPerSecond) {
    return each(l -> l.bandwidth(bytesPerSecond));
  }

  /** {@link FaultyLink#drop()} on every link. */
  public FaultyLinks drop() {
    return each(FaultyLink::drop);
  }

  /** {@link FaultyLink#heal()} on every link. */
  public FaultyLinks heal() {
    return each(FaultyLink::heal);
  }

  private FaultyLinks each(Consumer<FaultyLink> action) {
    links.forEach(action);
    return this;
  }

  /** Closes every link. */
  @Override
  public void close() {
    links.forEach(FaultyLink::close);
  }

  @Override
  public String toString() {
    return links.stream().map(FaultyLink::toString).collect(Collectors.joining("\n"));
  }
}
