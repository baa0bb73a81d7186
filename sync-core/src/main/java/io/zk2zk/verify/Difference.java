package io.zk2zk.verify;

/**
 * One path that differs, as printed and as written to the JSON report.
 *
 * @param kind what is wrong
 * @param path the synced path (for a record that names no valid path: the record's own path)
 * @param rule the rule of the daemon's table that asks for the write, or "" when none applies
 * @param source the node on this daemon's source: {@code absent}, {@code persistent}, {@code
 *     ephemeral} or {@code unknown}
 * @param sourceBytes its data size; -1 when absent, unknown or {@code null} data
 * @param target the node on this daemon's target, as {@code source}
 * @param targetBytes its data size, as {@code sourceBytes}
 * @param detail a short explanation
 */
public record Difference(
    DifferenceKind kind,
    String path,
    String rule,
    String source,
    int sourceBytes,
    String target,
    int targetBytes,
    String detail) {}
