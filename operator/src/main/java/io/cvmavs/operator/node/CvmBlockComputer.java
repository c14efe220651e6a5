package io.cvmavs.operator.node;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * Builds CVM blocks from the node's own copy of the chain data and answers tasks with them. CVM
 * block {@code h} covers chain blocks {@code [genesis + h·span, genesis + (h+1)·span − 1]}; it is
 * built by {@link CvmBlockBuilder} over the ingested range (the node's own JSON-RPC source and
 * segment store), with the range's {@code token_transfers} rows as its dataset and the timestamp of
 * the range's last chain block, so every honest node builds the same block hash.
 *
 * <p>First cut: the dataset is the source table itself (the identity manuscript); the task's {@code
 * manuscriptHash} must equal the configured manuscript's. Running the manuscript on Flink plugs in
 * behind {@link ResponseComputer} the same way. Blocks are built in height order (the state root
 * chains them); calls are serialised.
 */
public final class CvmBlockComputer implements ResponseComputer {
  public static final String DATASET = "token_transfers";

  /** Where CVM blocks come from. */
  public record Settings(
      String chain, long genesisBlock, long blocksPerCvmBlock, byte[] manuscriptHash) {}

  private final Settings settings;
  private final Web3j web3j;
  private final SegmentStore store;
  private final Ingestor ingestor;
  private final TreeMap<Long, CvmBlockHeader> built = new TreeMap<>();

  /** The most recent blocks, whole, so a task for a prebuilt block is answered without work. */
  private final Map<Long, CvmBlock> recent =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CvmBlock> eldest) {
          return size() > 32;
        }
      };

  public CvmBlockComputer(Settings settings, Web3j web3j, Path dataDirectory) {
    this.settings = settings;
    this.web3j = web3j;
    this.store = new SegmentStore(dataDirectory);
    this.ingestor =
        new Ingestor(
            new Web3jChainSource(web3j, Retry.defaults()),
            store,
            settings.chain(),
            (int) Math.min(100, settings.blocksPerCvmBlock()),
            0,
            2,
            line -> {},
            System::nanoTime);
  }

  /**
   * {@code keccak256(encode(chain, fromBlock, toBlock, sourceRoot))}: a task's input commitment.
   */
  public static byte[] inputCommitmentHash(InputCommitment input) {
    return Hash.sha3(
        CanonicalEncoding.encode(
            input.chain(), input.fromBlock(), input.toBlock(), input.sourceRoot()));
  }

  /** The last chain block of CVM block {@code height}. */
  public long rangeEnd(long height) {
    return settings.genesisBlock() + (height + 1) * settings.blocksPerCvmBlock() - 1;
  }

  /** The CVM block at {@code height}, building every missing block before it. */
  public synchronized CvmBlock block(long height) {
    CvmBlock cached = recent.get(height);
    if (cached != null) {
      return cached;
    }
    CvmBlock last = null;
    long start = built.isEmpty() ? 0 : built.lastKey() + 1;
    if (height < start) {
      // Rebuild the requested height from its parent (deterministic, so equal to the first build).
      return build(height, height == 0 ? Optional.empty() : Optional.of(built.get(height - 1)));
    }
    for (long h = start; h <= height; h++) {
      last = build(h, h == 0 ? Optional.empty() : Optional.of(built.get(h - 1)));
      built.put(h, last.header());
      recent.put(h, last);
    }
    return last;
  }

  /**
   * Builds every CVM block whose chain range has ended by {@code chainHead}, so the node has its
   * result ready when the task for it appears (latency bounded by block times, not by execution).
   * Returns the highest height built, or -1 when no block is finished yet.
   */
  public long prebuild(long chainHead) {
    if (chainHead < rangeEnd(0)) {
      return -1;
    }
    long height = (chainHead - settings.genesisBlock() + 1) / settings.blocksPerCvmBlock() - 1;
    block(height);
    return height;
  }

  @Override
  public TaskResponse compute(CvmTask task) {
    if (!Arrays.equals(task.manuscriptHash(), settings.manuscriptHash())) {
      throw new NodeException.TaskMismatch(
          "task "
              + task.taskIndex()
              + " names manuscript "
              + io.cvmavs.operator.cvm.CvmBlockOptions.describe(task.manuscriptHash())
              + ", this node runs "
              + io.cvmavs.operator.cvm.CvmBlockOptions.describe(settings.manuscriptHash()));
    }
    CvmBlock block = block(task.cvmBlockHeight());
    byte[] input = inputCommitmentHash(block.header().input());
    if (!Arrays.equals(input, task.inputCommitment())) {
      throw new NodeException.TaskMismatch(
          "task "
              + task.taskIndex()
              + ": input commitment "
              + Bytes32.hex(task.inputCommitment())
              + " differs from this node's "
              + Bytes32.hex(input)
              + " for CVM block "
              + task.cvmBlockHeight()
              + " (chain blocks "
              + block.header().input().fromBlock()
              + "-"
              + block.header().input().toBlock()
              + ")");
    }
    return new TaskResponse(
        task.taskIndex(),
        block.header().hash(),
        block.header().dataset(DATASET).root(),
        block.header().stateRoot());
  }

  private CvmBlock build(long height, Optional<CvmBlockHeader> parent) {
    long from = settings.genesisBlock() + height * settings.blocksPerCvmBlock();
    long to = from + settings.blocksPerCvmBlock() - 1;
    ingestor.ingest(from, to);
    SourceCommitment source = store.commitment(settings.chain(), from, to);
    ChainTable table = ChainTable.TOKEN_TRANSFERS;
    CanonicalDataset transfers =
        CanonicalDataset.of(
            table.columnNames(), table.primaryKey(), store.read(settings.chain(), table, from, to));
    return new CvmBlockBuilder(Clock.systemUTC())
        .build(
            parent, settings.manuscriptHash(), source, Map.of(DATASET, transfers), timestampOf(to));
  }

  private long timestampOf(long block) {
    try {
      return web3j
          .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (IOException e) {
      throw new NodeException(
          "cannot read the timestamp of chain block " + block + ": " + e.getMessage(), e);
    }
  }
}
