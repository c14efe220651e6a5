package io.cvmavs.consensus.app.registry;

import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ManuscriptSource} over chain-io's {@link ManuscriptRegistryReader}: scans the registry's
 * {@code ManuscriptRegistered} / {@code ManuscriptDeprecated} / {@code ManuscriptRevoked} logs from
 * its deployment block up to the final height asked (never past it, so nothing it keeps can be
 * reorganised away, nor past the node's head, so a block mined later is still scanned) and
 * remembers them; each call scans only the blocks it has not seen. Thread-safe.
 */
public final class RegistryManuscriptSource implements ManuscriptSource {
  private final ManuscriptRegistryReader reader;
  private final List<ManuscriptChange> seen = new ArrayList<>();
  private long scannedTo;

  /**
   * @param fromBlock the first block that can hold a change (the registry's deployment block)
   */
  public RegistryManuscriptSource(ManuscriptRegistryReader reader, long fromBlock) {
    this.reader = reader;
    this.scannedTo = fromBlock - 1;
  }

  @Override
  public synchronized List<ManuscriptChange> changes(
      long fromBlock, long fromLogIndex, long finalBlock, int max) {
    // A final height can lie above this node's head (a genesis that starts the chain's Ethereum
    // view at a future block, or a node that lags): only blocks that exist are marked scanned, so a
    // change mined later in such a block is still found.
    long upTo = finalBlock > scannedTo ? Math.min(finalBlock, reader.head()) : scannedTo;
    if (upTo > scannedTo) {
      for (ManuscriptRegistryReader.Change c : reader.changes(scannedTo + 1, upTo)) {
        seen.add(
            new ManuscriptChange(
                c.manuscriptHash(),
                c.status().ordinal(),
                c.block(),
                c.logIndex(),
                c.status() == io.cvmavs.chain.avs.RegisteredManuscript.Status.ACTIVE
                    ? c.contentHash()
                    : new byte[0],
                c.locator()));
      }
      scannedTo = upTo;
    }
    List<ManuscriptChange> out = new ArrayList<>();
    for (ManuscriptChange c : seen) {
      if (out.size() >= max || c.ethBlock() > finalBlock) {
        break;
      }
      if (c.atOrAfter(fromBlock, fromLogIndex)) {
        out.add(c);
      }
    }
    return out;
  }
}
