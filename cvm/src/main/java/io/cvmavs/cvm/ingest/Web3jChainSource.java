package io.cvmavs.cvm.ingest;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetBlockReceipts;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@link ChainSource} over any Ethereum JSON-RPC endpoint: {@code eth_blockNumber}, {@code
 * eth_getBlockByNumber} (full transactions) and {@code eth_getBlockReceipts}. RPC errors and I/O
 * failures are retried by {@link Retry}.
 */
public final class Web3jChainSource implements ChainSource {
  private final Web3j web3j;
  private final Retry retry;

  public Web3jChainSource(Web3j web3j, Retry retry) {
    this.web3j = web3j;
    this.retry = retry;
  }

  @Override
  public long latestBlockNumber() {
    return retry.run(
        "eth_blockNumber",
        () ->
            checked(web3j.ethBlockNumber().send(), "eth_blockNumber")
                .getBlockNumber()
                .longValueExact());
  }

  @Override
  public ChainBlock block(long number) {
    DefaultBlockParameter param = DefaultBlockParameter.valueOf(BigInteger.valueOf(number));
    EthBlock.Block block =
        retry.run(
            "eth_getBlockByNumber(" + number + ")",
            () -> {
              EthBlock.Block b =
                  checked(web3j.ethGetBlockByNumber(param, true).send(), "eth_getBlockByNumber")
                      .getBlock();
              if (b == null) {
                throw new IOException("block " + number + " does not exist yet");
              }
              return b;
            });
    List<TransactionReceipt> receipts =
        block.getTransactions().isEmpty()
            ? List.of()
            : retry.run(
                "eth_getBlockReceipts(" + number + ")",
                () -> {
                  EthGetBlockReceipts r =
                      checked(
                          web3j
                              .ethGetBlockReceipts(
                                  DefaultBlockParameter.valueOf(BigInteger.valueOf(number)))
                              .send(),
                          "eth_getBlockReceipts");
                  return r.getBlockReceipts()
                      .orElseThrow(() -> new IOException("no receipts for block " + number));
                });
    // The receipts must belong to the block read above: a reorg between the two calls must not mix
    // two blocks.
    for (TransactionReceipt r : receipts) {
      if (!block.getHash().equalsIgnoreCase(r.getBlockHash())) {
        throw new IngestException(
            "block "
                + number
                + " changed while it was read (reorg): block hash "
                + block.getHash()
                + ", receipt block hash "
                + r.getBlockHash()
                + "; ingest again");
      }
    }
    return new ChainBlock(block, receipts);
  }

  private static <T extends Response<?>> T checked(T response, String method) throws IOException {
    if (response.hasError()) {
      throw new IOException(
          method
              + ": "
              + response.getError().getMessage()
              + " (code "
              + response.getError().getCode()
              + ")");
    }
    return response;
  }
}
