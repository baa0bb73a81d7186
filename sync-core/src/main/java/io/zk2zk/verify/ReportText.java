package io.zk2zk.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable form of a {@link VerifyReport}: one summary line, then one line per path. */
public final class ReportText {

  private ReportText() {}

  /** The summary line, then the first differences and warnings. */
  public static List<String> lines(VerifyReport r) {
    List<String> out = new ArrayList<>();
    out.add(summary(r));
    for (Difference d : r.firstDifferences()) {
      out.add(line(d));
    }
    if (r.differences() > r.firstDifferences().size()) {
      out.add(
          "  ... and "
              + (r.differences() - r.firstDifferences().size())
              + " more (--maxDiffs lists more)");
    }
    if (r.warnings() > 0) {
      out.add(
          "warning: "
              + r.warnings()
              + " node(s) absent on the source are kept on the target for live ephemerals below"
              + " them (allowed by \"in sync\"):");
      for (Difference d : r.firstWarnings()) {
        out.add(line(d));
      }
      if (r.warnings() > r.firstWarnings().size()) {
        out.add("  ... and " + (r.warnings() - r.firstWarnings().size()) + " more");
      }
    }
    return out;
  }

  /** E.g. {@code all_sync verify: NOT IN SYNC: 2 differences (missing 1, data 1) under / ...}. */
  public static String summary(VerifyReport r) {
    StringBuilder sb = new StringBuilder(r.command()).append(": ");
    if (r.inSync()) {
      sb.append("IN SYNC: no difference under ").append(r.path());
      if (r.resolvedOnRecheck() > 0) {
        sb.append(" (")
            .append(r.resolvedOnRecheck())
            .append(" seen once were changes in flight, gone on re-check)");
      }
    } else {
      sb.append("NOT IN SYNC: ")
          .append(r.differences())
          .append(r.differences() == 1 ? " difference (" : " differences (")
          .append(kinds(r.byKind()))
          .append(") under ")
          .append(r.path());
      long rechecked = r.differences() - r.notRechecked();
      if (r.rechecks() > 0 && rechecked > 0) {
        sb.append(", persisted over ").append(r.rechecks()).append(" re-check(s)");
      } else if (rechecked > 0) {
        sb.append(", not re-checked");
      }
      if (r.notRechecked() > 0) {
        sb.append(", ").append(r.notRechecked()).append(" beyond the re-check limit");
      }
      if (r.resolvedOnRecheck() > 0) {
        sb.append(", ").append(r.resolvedOnRecheck()).append(" more were changes in flight");
      }
    }
    sb.append("; source ")
        .append(r.sourceNodes())
        .append(" nodes, target ")
        .append(r.targetNodes())
        .append(" nodes");
    if (r.warnings() > 0) {
      sb.append("; ").append(r.warnings()).append(" warning(s)");
    }
    sb.append(String.format(Locale.ROOT, " (%.1f s)", r.elapsedMillis() / 1000.0));
    return sb.toString();
  }

  /** One difference: kind, path, both sides, rule and why. */
  public static String line(Difference d) {
    String why = d.rule().isEmpty() ? d.detail() : "rule " + d.rule() + ": " + d.detail();
    return String.format(
        Locale.ROOT,
        "  %-14s %s  source %s, target %s  (%s)",
        d.kind().label(),
        d.path(),
        side(d.source(), d.sourceBytes()),
        side(d.target(), d.targetBytes()),
        why);
  }

  private static String side(String state, int bytes) {
    if ("absent".equals(state) || "unknown".equals(state)) {
      return state;
    }
    return state + (bytes >= 0 ? " " + bytes + " B" : " null data");
  }

  private static String kinds(Map<String, Long> byKind) {
    List<String> parts = new ArrayList<>();
    for (DifferenceKind k : DifferenceKind.values()) {
      Long n = byKind.get(k.label());
      if (k.failsVerify() && n != null && n > 0) {
        parts.add(k.label() + " " + n);
      }
    }
    return String.join(", ", parts);
  }
}
