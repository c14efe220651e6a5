package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainBlock;
import io.cvmavs.cvm.ingest.ChainSource;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.IngestException;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.RowExtractor;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Row;

/**
 * A Flink source of one chain table's rows, block by block, as blocks reach {@code confirmations}
 * below the head: the streaming counterpart of {@link io.cvmavs.cvm.ingest.Ingestor#follow}, over
 * the same {@link ChainSource} ({@link Web3jChainSource}) and the same rows ({@link RowExtractor}).
 *
 * <p>One split (the chain), read by one reader; its state is the next block to emit and the hash of
 * the last one emitted, checkpointed by Flink, so a job restored from a checkpoint continues with
 * the first block whose rows were not yet emitted. Every block must link by parent hash to the last
 * one emitted: a block that does not means the chain reorganised below the confirmation depth after
 * its rows were emitted, and the job fails with that message instead of emitting rows of two forks.
 *
 * <p>The rows of one block are emitted in one {@code pollNext} call, so a checkpoint never splits a
 * block.
 */
public final class ChainBlockSource
    implements Source<Row, ChainBlockSource.Split, ChainBlockSource.Split> {
  private static final long serialVersionUID = 1L;

  /** Where and how to read: the endpoint, the table, the depth and the first block. */
  public record Settings(
      String rpcUrl,
      String chain,
      ChainTable table,
      int confirmations,
      long fromBlock,
      long untilBlock,
      Duration poll,
      boolean progress)
      implements Serializable {
    public Settings {
      if (confirmations < 0 || fromBlock < 0 || untilBlock < fromBlock - 1) {
        throw new EngineException(
            "stream settings: confirmations and the first block must be >= 0, the last block >="
                + " the first (got confirmations "
                + confirmations
                + ", blocks "
                + fromBlock
                + "-"
                + untilBlock
                + ")");
      }
      if (poll.isNegative() || poll.isZero()) {
        throw new EngineException("stream settings: the poll interval must be positive");
      }
    }
  }

  /** Creates the chain source in the task (web3j is not serializable). */
  public interface SourceFactory extends Serializable {
    ChainSource open(Settings settings);
  }

  private final Settings settings;
  private final SourceFactory factory;

  public ChainBlockSource(Settings settings) {
    this(settings, s -> new Web3jChainSource(s.rpcUrl(), Retry.defaults()));
  }

  public ChainBlockSource(Settings settings, SourceFactory factory) {
    this.settings = settings;
    this.factory = factory;
  }

  @Override
  public Boundedness getBoundedness() {
    return settings.untilBlock() == Long.MAX_VALUE
        ? Boundedness.CONTINUOUS_UNBOUNDED
        : Boundedness.BOUNDED;
  }

  @Override
  public SourceReader<Row, Split> createReader(SourceReaderContext context) {
    return new Reader(settings, factory);
  }

  @Override
  public SplitEnumerator<Split, Split> createEnumerator(SplitEnumeratorContext<Split> context) {
    return new Enumerator(context, new Split(settings.fromBlock(), ""));
  }

  @Override
  public SplitEnumerator<Split, Split> restoreEnumerator(
      SplitEnumeratorContext<Split> context, Split pending) {
    return new Enumerator(context, pending.nextBlock() < 0 ? null : pending);
  }

  @Override
  public SimpleVersionedSerializer<Split> getSplitSerializer() {
    return new SplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<Split> getEnumeratorCheckpointSerializer() {
    return new SplitSerializer();
  }

  /**
   * The chain's position: the next block to emit and the hash of the block before it ({@code ""}
   * before the first). {@code nextBlock < 0} marks "no split pending" in the enumerator's state.
   */
  public record Split(long nextBlock, String lastHash) implements SourceSplit, Serializable {
    @Override
    public String splitId() {
      return "chain";
    }
  }

  static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Split split) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeLong(split.nextBlock());
        out.writeUTF(split.lastHash());
      }
      return bytes.toByteArray();
    }

    @Override
    public Split deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1) {
        throw new IOException("unknown chain split version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return new Split(in.readLong(), in.readUTF());
      }
    }
  }

  /** Hands the one split to the first reader; takes it back when that reader fails. */
  static final class Enumerator implements SplitEnumerator<Split, Split> {
    private final SplitEnumeratorContext<Split> context;
    private Split pending;

    Enumerator(SplitEnumeratorContext<Split> context, Split pending) {
      this.context = context;
      this.pending = pending;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<Split> splits, int subtaskId) {
      if (!splits.isEmpty()) {
        pending = splits.get(0);
        assignIfPossible();
      }
    }

    @Override
    public void addReader(int subtaskId) {
      assignIfPossible();
    }

    private void assignIfPossible() {
      if (pending != null && context.registeredReaders().containsKey(0)) {
        context.assignSplit(pending, 0);
        pending = null;
      }
      for (int reader : context.registeredReaders().keySet()) {
        if (reader != 0) {
          context.signalNoMoreSplits(reader);
        }
      }
    }

    @Override
    public Split snapshotState(long checkpointId) {
      return pending != null ? pending : new Split(-1, "");
    }

    @Override
    public void close() {}
  }

  /** One fetched block: its rows of the table and where the chain stands after it. */
  private record Fetched(long number, String hash, List<Object[]> rows) {}

  /**
   * Emits the rows of fetched blocks; a background thread polls the head and fetches the next
   * confirmed block ahead of the emitter (a few blocks at most).
   */
  static final class Reader implements SourceReader<Row, Split> {
    private final Settings settings;
    private final SourceFactory factory;
    private final BlockingQueue<Fetched> fetched = new ArrayBlockingQueue<>(8);
    private final Object lock = new Object();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private volatile Throwable failure;
    private volatile boolean closed;
    private Thread fetcher;
    private Split position;
    private boolean noMoreSplits;

    Reader(Settings settings, SourceFactory factory) {
      this.settings = settings;
      this.factory = factory;
    }

    @Override
    public void start() {}

    @Override
    public void addSplits(List<Split> splits) {
      if (splits.isEmpty() || position != null) {
        return;
      }
      position = splits.get(0);
      if (settings.progress()) {
        System.err.printf(
            "stream %s.%s: reading from block %d%n",
            settings.chain(), settings.table().tableName(), position.nextBlock());
      }
      ChainSource source = factory.open(settings);
      Split from = position;
      fetcher =
          Thread.ofPlatform()
              .daemon()
              .name("cvm-stream-" + settings.chain() + "." + settings.table().tableName())
              .start(() -> fetchLoop(source, from));
    }

    private void fetchLoop(ChainSource source, Split from) {
      long next = from.nextBlock();
      String lastHash = from.lastHash();
      try {
        while (!closed && next <= settings.untilBlock()) {
          long safeHead = source.latestBlockNumberChecked() - settings.confirmations();
          if (safeHead < next) {
            Thread.sleep(settings.poll().toMillis());
            continue;
          }
          ChainBlock block = source.blockChecked(next);
          String parent = block.block().getParentHash();
          if (!lastHash.isEmpty() && !lastHash.equalsIgnoreCase(parent)) {
            throw new IngestException(
                settings.chain()
                    + " block "
                    + next
                    + " has parent "
                    + parent
                    + " but the block "
                    + (next - 1)
                    + " whose rows were streamed is "
                    + lastHash
                    + ": the chain reorganised more than "
                    + settings.confirmations()
                    + " block(s) deep, below the confirmation depth; rows of blocks from "
                    + (next - 1)
                    + " on may be from the abandoned fork. Stopped; repair the sink's rows and"
                    + " restart with more --confirmations");
          }
          List<Object[]> rows = RowExtractor.rows(block).getOrDefault(settings.table(), List.of());
          lastHash = block.block().getHash();
          while (!closed && !fetched.offer(new Fetched(next, lastHash, rows), 100, MILLIS)) {
            // the emitter is behind: wait for room
          }
          signal();
          next++;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        failure = t;
        signal();
      }
    }

    private static final TimeUnit MILLIS = TimeUnit.MILLISECONDS;

    private void signal() {
      synchronized (lock) {
        available.complete(null);
      }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Row> output) throws Exception {
      Fetched f = fetched.poll();
      if (f == null) {
        if (failure != null) {
          throw new EngineException(
              "streaming "
                  + settings.chain()
                  + "."
                  + settings.table().tableName()
                  + " from "
                  + settings.rpcUrl()
                  + " failed: "
                  + failure.getMessage(),
              failure);
        }
        if (noMoreSplits && position == null) {
          return InputStatus.END_OF_INPUT;
        }
        if (position != null && position.nextBlock() > settings.untilBlock()) {
          return InputStatus.END_OF_INPUT;
        }
        return InputStatus.NOTHING_AVAILABLE;
      }
      for (Object[] r : f.rows()) {
        output.collect(Row.of(r));
      }
      position = new Split(f.number() + 1, f.hash());
      if (settings.progress()) {
        System.err.printf(
            "stream %s.%s: block %d, %d rows%n",
            settings.chain(), settings.table().tableName(), f.number(), f.rows().size());
      }
      return fetched.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public List<Split> snapshotState(long checkpointId) {
      return position == null ? List.of() : List.of(position);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      synchronized (lock) {
        if (!fetched.isEmpty()
            || failure != null
            || (noMoreSplits && position == null)
            || (position != null && position.nextBlock() > settings.untilBlock())) {
          return CompletableFuture.completedFuture(null);
        }
        if (available.isDone()) {
          available = new CompletableFuture<>();
        }
        return available;
      }
    }

    @Override
    public void notifyNoMoreSplits() {
      noMoreSplits = true;
      signal();
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      if (fetcher != null) {
        fetcher.interrupt();
        fetcher.join(5_000);
      }
    }
  }
}
