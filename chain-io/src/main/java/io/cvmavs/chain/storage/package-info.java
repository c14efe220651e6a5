/**
 * The storage contracts of the AVS that hold operators to account for the block groups they keep:
 * {@code StorageAudit} (holders, attested audit outcomes, single-chunk disputes).
 */
package io.cvmavs.chain.storage;
