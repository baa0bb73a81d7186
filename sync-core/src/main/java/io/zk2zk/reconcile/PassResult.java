package io.zk2zk.reconcile;

/**
 * The outcome of one full reconcile pass.
 *
 * @param complete false when the walk was cut short (then nothing was deleted)
 * @param sourceCount SrcNodeCount
 * @param targetCount DstNodeCount
 * @param changed ChangedNodeCount: the writes this pass had to make
 */
public record PassResult(boolean complete, long sourceCount, long targetCount, long changed) {}
