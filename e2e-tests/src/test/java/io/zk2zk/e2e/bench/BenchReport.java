package io.zk2zk.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The bench's one table, as text and as JSON, with the rows in the order they were added. */
final class BenchReport {

  /**
   * One scenario's figures.
   *
   * @param seconds time to converge (null where the scenario is not a throughput)
   * @param ceilingNodesPerSecond the ceiling copier's rate for the same tree, same run (or null)
   * @param ratio nodes/s divided by the ceiling's nodes/s (or null)
   * @param peakRssMb the daemon's peak RSS (VmHWM)
   * @param watchesOnSource watches held by the daemon's source server ({@code wchs})
   */
  record Row(
      String scenario,
      long nodes,
      Double seconds,
      Double nodesPerSecond,
      Double ceilingNodesPerSecond,
      Double ratio,
      Long peakRssMb,
      Long watchesOnSource,
      String note) {}

  private final List<Row> rows = new ArrayList<>();
  private final String machine;

  BenchReport(String machine) {
    this.machine = machine;
  }

  synchronized void add(Row row) {
    rows.add(row);
    System.out.println("bench: " + row);
  }

  synchronized String table() {
    StringBuilder txt = new StringBuilder();
    txt.append("zk2zk bench — ").append(machine).append('\n');
    String format = "%-44s %9s %8s %9s %9s %6s %7s %7s  %s%n";
    txt.append(
        String.format(
            Locale.ROOT,
            format,
            "scenario",
            "nodes",
            "seconds",
            "nodes/s",
            "ceiling/s",
            "ratio",
            "RSS MB",
            "watches",
            "notes"));
    for (Row r : rows) {
      txt.append(
          String.format(
              Locale.ROOT,
              format,
              r.scenario(),
              String.format(Locale.ROOT, "%,d", r.nodes()),
              r.seconds() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.seconds()),
              rate(r.nodesPerSecond()),
              rate(r.ceilingNodesPerSecond()),
              r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio()),
              r.peakRssMb() == null ? "-" : r.peakRssMb().toString(),
              r.watchesOnSource() == null ? "-" : r.watchesOnSource().toString(),
              r.note() == null ? "" : r.note()));
    }
    return txt.toString();
  }

  private java.util.Map<String, Object> json() {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("machine", machine);
    out.put("rows", List.copyOf(rows));
    return out;
  }

  private static String rate(Double perSecond) {
    return perSecond == null ? "-" : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** Writes {@code bench.txt} and {@code bench.json} into {@code dir} and prints the table. */
  synchronized void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    String table = table();
    Files.writeString(dir.resolve("bench.txt"), table);
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(dir.resolve("bench.json").toFile(), json());
    System.out.print(table);
  }
}
