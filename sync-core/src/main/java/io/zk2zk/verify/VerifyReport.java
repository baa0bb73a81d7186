package io.zk2zk.verify;

import java.util.List;
import java.util.Map;

/**
 * What one {@code verify} run found; {@code --json} prints exactly this record.
 *
 * @param command {@code all_sync verify} or {@code t_sync verify}
 * @param source this daemon's source ensemble
 * @param target this daemon's target ensemble
 * @param path the compared subtree ({@code --path})
 * @param inSync true when no difference persisted (warnings aside)
 * @param sourceNodes nodes on the source as this daemon counts them (SrcNodeCount of its progress
 *     line)
 * @param targetNodes nodes on the target as this daemon counts them (DstNodeCount)
 * @param differences differences that persisted over every re-check, plus those beyond the re-check
 *     limit
 * @param byKind counts per kind (warnings included), only the kinds seen
 * @param resolvedOnRecheck differences seen by the walk that a re-check no longer saw (changes in
 *     flight)
 * @param notRechecked differences beyond the re-check limit, counted as found
 * @param rechecks re-checks made
 * @param warnings paths that differ in a way "in sync" allows (kept for live ephemerals)
 * @param firstDifferences the first {@code --maxDiffs} differences
 * @param firstWarnings the first {@code --maxDiffs} warnings
 * @param elapsedMillis wall time of the run, re-checks included
 */
public record VerifyReport(
    String command,
    String source,
    String target,
    String path,
    boolean inSync,
    long sourceNodes,
    long targetNodes,
    long differences,
    Map<String, Long> byKind,
    long resolvedOnRecheck,
    long notRechecked,
    int rechecks,
    long warnings,
    List<Difference> firstDifferences,
    List<Difference> firstWarnings,
    long elapsedMillis) {}
