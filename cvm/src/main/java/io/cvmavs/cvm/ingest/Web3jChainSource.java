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
 * failures are retried by {@link Retry}. Built from an endpoint URL it also traces blocks ({@link
 * #traced}): {@code debug_traceBlockByNumber} with the call tracer, else {@code trace_block}, else
 * a clear error.
 */
public final class Web3jChainSource implements ChainSource {
  private final Web3j web3j;
  private final Retry retry;
  private final JsonRpc rpc;

  /** Blocks and receipts only: tracing needs {@link #Web3jChainSource(String, Retry)}. */
  public Web3jChainSource(Web3j web3j, Retry retry) {
    this.web3j = web3j;
    this.retry = retry;
    this.rpc = null;
  }

  /** Over the JSON-RPC endpoint {@code url}, with tracing. */
  public Web3jChainSource(String url, Retry retry) {
    this.web3j = Web3j.build(new org.web3j.protocol.http.HttpService(url));
    this.retry = retry;
    this.rpc = new JsonRpc(url);
  }

  @Override
  public Traced traced(ChainBlock chainBlock) {
    if (rpc == null) {
      return ChainSource.super.traced(chainBlock);
    }
    long number = chainBlock.number();
    String tag = "0x" + Long.toHexString(number);
    List<String> hashes = new java.util.ArrayList<>();
    for (EthBlock.TransactionResult<?> t : chainBlock.block().getTransactions()) {
      Object v = t.get();
      hashes.add(
          (v instanceof org.web3j.protocol.core.methods.response.Transaction tx
                  ? tx.getHash()
                  : String.valueOf(v))
              .toLowerCase(java.util.Locale.ROOT));
    }
    List<CallFrames.Frame> frames;
    if (hashes.isEmpty()) {
      frames = List.of();
    } else {
      frames = frames(number, tag, hashes);
    }
    java.util.Map<String, TokenMetaReader.TokenMeta> metas = new java.util.TreeMap<>();
    TokenMetaReader.Node node =
        new TokenMetaReader.Node() {
          @Override
          public String call(String to, String data) throws IOException {
            try {
              return rpc.call("eth_call", List.of(java.util.Map.of("to", to, "data", data), tag))
                  .asText();
            } catch (JsonRpc.RpcError e) {
              return null; // reverted
            }
          }

          @Override
          public String storageAt(String address, String slot) throws IOException {
            return rpc.call("eth_getStorageAt", List.of(address, slot, tag)).asText();
          }
        };
    for (CallFrames.Frame f : frames) {
      if (f.isCreation() && f.to() != null && !metas.containsKey(f.to())) {
        metas.put(
            f.to(),
            retry.run(
                "token metadata of " + f.to() + " at block " + number,
                () -> TokenMetaReader.read(node, f.to())));
      }
    }
    return new Traced(frames, metas);
  }

  private List<CallFrames.Frame> frames(long number, String tag, List<String> hashes) {
    try {
      return retry.run(
          "debug_traceBlockByNumber(" + number + ")",
          () -> {
            try {
              return CallFrames.fromCallTracer(
                  rpc.call(
                      "debug_traceBlockByNumber",
                      List.of(tag, java.util.Map.of("tracer", "callTracer"))),
                  hashes);
            } catch (JsonRpc.RpcError e) {
              if (e.methodMissing()) {
                throw new MissingMethod(e);
              }
              throw e;
            }
          });
    } catch (MissingMethod debugMissing) {
      try {
        return retry.run(
            "trace_block(" + number + ")",
            () -> {
              try {
                return CallFrames.fromTraceBlock(rpc.call("trace_block", List.of(tag)));
              } catch (JsonRpc.RpcError e) {
                if (e.methodMissing()) {
                  throw new MissingMethod(e);
                }
                throw e;
              }
            });
      } catch (MissingMethod traceMissing) {
        throw new IngestException(
            "the node at "
                + rpc.endpoint()
                + " offers neither debug_traceBlockByNumber ("
                + debugMissing.getCause().getMessage()
                + ") nor trace_block ("
                + traceMissing.getCause().getMessage()
                + "): contracts, trace_calls and token_metas cannot be ingested from it");
      }
    }
  }

  /** The node does not offer a method: not retried. */
  private static final class MissingMethod extends IngestException {
    MissingMethod(JsonRpc.RpcError cause) {
      super(cause.getMessage(), cause);
    }
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
