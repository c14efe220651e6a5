package io.cvmavs.cvm.ingest;

import java.util.List;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * One block as read from JSON-RPC: the block with full transactions, and the receipts in
 * transaction order.
 */
public record ChainBlock(EthBlock.Block block, List<TransactionReceipt> receipts) {
  public ChainBlock {
    receipts = List.copyOf(receipts);
  }

  public long number() {
    return block.getNumber().longValueExact();
  }
}
