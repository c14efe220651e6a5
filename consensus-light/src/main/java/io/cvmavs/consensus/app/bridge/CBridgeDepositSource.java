package io.cvmavs.consensus.app.bridge;

import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.bridge.BridgeReader;
import io.cvmavs.chain.bridge.DepositEvent;
import io.cvmavs.chain.rpc.ScanCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@link DepositSource} over chain-io's {@link BridgeReader}: scans {@code Deposited} logs from the
 * bridge's deployment block up to the final height asked (never past it, so nothing it keeps can be
 * reorganised away, nor past the node's head, so a block mined later is still scanned: a {@link
 * ScanCursor}) and remembers them by nonce; each call scans only the blocks it has not seen.
 * Thread-safe.
 */
public final class CBridgeDepositSource implements DepositSource {
  private final BridgeReader reader;
  private final TreeMap<Long, BridgeDeposit> seen = new TreeMap<>();
  private final ScanCursor cursor;

  /**
   * @param fromBlock the first block that can hold a deposit (the bridge's deployment block)
   */
  public CBridgeDepositSource(BridgeReader reader, long fromBlock) {
    this.reader = reader;
    this.cursor = new ScanCursor(fromBlock);
  }

  @Override
  public synchronized List<BridgeDeposit> deposits(long fromNonce, long finalBlock, int max) {
    cursor.advance(
        finalBlock,
        reader::head,
        (from, to) -> {
          for (DepositEvent e : reader.deposits(from, to)) {
            seen.put(
                e.nonce(),
                new BridgeDeposit(
                    e.nonce(),
                    Numbers.bytes(e.sender()),
                    e.cvmRecipient(),
                    e.amount(),
                    e.blockNumber(),
                    Numbers.bytes(e.txHash())));
          }
        });
    List<BridgeDeposit> out = new ArrayList<>();
    for (long n = fromNonce; out.size() < max; n++) {
      BridgeDeposit d = seen.get(n);
      if (d == null || d.ethBlock() > finalBlock) {
        break;
      }
      out.add(d);
    }
    return out;
  }
}
