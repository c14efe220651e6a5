package io.cvmavs.consensus.app.registry;

import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.rpc.ScanCursor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ManuscriptSource} over chain-io's {@link ManuscriptRegistryReader}: scans the registry's
 * {@code ManuscriptRegistered} / {@code ManuscriptDeprecated} / {@code ManuscriptRevoked} logs from
 * its deployment block up to the final height asked (never past it, so nothing it keeps can be
 * reorganised away, nor past the node's head, so a block mined later is still scanned: a {@link
 * ScanCursor}) and remembers them; each call scans only the blocks it has not seen. Thread-safe.
 */
public final class RegistryManuscriptSource implements ManuscriptSource {
  private final ManuscriptRegistryReader reader;
  private final List<ManuscriptChange> seen = new ArrayList<>();
  private final ScanCursor cursor;

  /**
   * @param fromBlock the first block that can hold a change (the registry's deployment block)
   */
  public RegistryManuscriptSource(ManuscriptRegistryReader reader, long fromBlock) {
    this.reader = reader;
    this.cursor = new ScanCursor(fromBlock);
  }

  @Override
  public synchronized List<ManuscriptChange> changes(
      long fromBlock, long fromLogIndex, long finalBlock, int max) {
    cursor.advance(
        finalBlock,
        reader::head,
        (from, to) -> {
          for (ManuscriptRegistryReader.Change c : reader.changes(from, to)) {
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
        });
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
