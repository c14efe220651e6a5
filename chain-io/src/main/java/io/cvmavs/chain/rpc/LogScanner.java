package io.cvmavs.chain.rpc;

import io.cvmavs.chain.ChainException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Every {@code eth_getLogs} of this code base: a block range is always asked for in bounded pieces
 * of at most {@link #maxSpan()} blocks (public RPC providers refuse wider ranges; limits of 1k to
 * 10k blocks are common). When the provider still refuses a piece as too wide or as too many
 * results, the piece is halved and asked again, down to one block; the smaller span is kept for the
 * rest of this scanner's life. Thread-safe.
 */
public final class LogScanner {
  private static final Logger LOG = LoggerFactory.getLogger(LogScanner.class);

  /** Blocks per request unless configured: within every public provider's limit we know of. */
  public static final long DEFAULT_MAX_SPAN = 2_000;

  /** Which logs: contract addresses (any of) and topics by position (each null or any of). */
  public record Query(String what, List<String> addresses, List<List<String>> topics) {
    public Query {
      addresses = List.copyOf(addresses);
      topics = List.copyOf(topics);
    }

    /** Logs of {@code address} whose topic 0 is {@code topic0}. */
    public static Query of(String what, String address, String topic0) {
      return new Query(what, List.of(address), List.of(List.of(topic0)));
    }

    /** The same query with one more topic position that must equal {@code topic}. */
    public Query andTopic(String topic) {
      List<List<String>> t = new ArrayList<>(topics);
      t.add(List.of(topic));
      return new Query(what, addresses, t);
    }

    /** The next topic position matches anything. */
    public Query andAnyTopic() {
      List<List<String>> t = new ArrayList<>(topics);
      t.add(List.of());
      return new Query(what, addresses, t);
    }
  }

  private final Web3j web3j;
  private final AtomicLong span;

  public LogScanner(Web3j web3j) {
    this(web3j, DEFAULT_MAX_SPAN);
  }

  public LogScanner(Web3j web3j, long maxSpan) {
    if (maxSpan < 1) {
      throw new IllegalArgumentException("maxSpan must be >= 1 block, got " + maxSpan);
    }
    this.web3j = web3j;
    this.span = new AtomicLong(maxSpan);
  }

  /** Blocks per request now (the configured maximum, or less after a provider refused it). */
  public long maxSpan() {
    return span.get();
  }

  /** Every matching log in [fromBlock, toBlock], in chain order. */
  public List<Log> logs(Query q, long fromBlock, long toBlock) {
    List<Log> out = new ArrayList<>();
    scan(q, fromBlock, toBlock, out, false);
    return out;
  }

  /** The first matching log in [fromBlock, toBlock]; stops asking at the first piece with one. */
  public Optional<Log> first(Query q, long fromBlock, long toBlock) {
    List<Log> out = new ArrayList<>();
    scan(q, fromBlock, toBlock, out, true);
    return out.stream().findFirst();
  }

  /** The first matching log from {@code fromBlock} to the chain's head now. */
  public Optional<Log> firstUpToHead(Query q, long fromBlock) {
    return first(q, fromBlock, head());
  }

  public long head() {
    return Transactor.rpc(() -> web3j.ethBlockNumber().send(), "eth_blockNumber")
        .getBlockNumber()
        .longValueExact();
  }

  private void scan(Query q, long fromBlock, long toBlock, List<Log> out, boolean stopAtFirst) {
    long from = Math.max(0, fromBlock);
    while (from <= toBlock) {
      long width = span.get();
      long to = Math.min(toBlock, from + width - 1);
      Optional<List<Log>> piece = request(q, from, to);
      if (piece.isEmpty()) {
        long narrower = Math.max(1, (to - from + 1) / 2);
        span.accumulateAndGet(narrower, Math::min);
        LOG.info(
            "{}: the RPC provider refused {} blocks per eth_getLogs; asking for {}",
            q.what(),
            to - from + 1,
            narrower);
        continue;
      }
      out.addAll(piece.get());
      if (stopAtFirst && !out.isEmpty()) {
        return;
      }
      from = to + 1;
    }
  }

  /** One request; empty if the provider refused the range as too wide (and it can be narrowed). */
  private Optional<List<Log>> request(Query q, long from, long to) {
    EthFilter filter = new EthFilter(at(from), at(to), q.addresses());
    for (List<String> position : q.topics()) {
      if (position == null || position.isEmpty()) {
        filter.addNullTopic();
      } else if (position.size() == 1) {
        filter.addSingleTopic(position.get(0));
      } else {
        filter.addOptionalTopics(position.toArray(String[]::new));
      }
    }
    String what = "eth_getLogs " + q.what() + " " + from + ".." + to;
    EthLog result;
    try {
      result = web3j.ethGetLogs(filter).send();
    } catch (IOException e) {
      // Some providers answer a too-wide range with an HTTP error whose body says so.
      if (from < to && isRangeRefusal(e.getMessage())) {
        return Optional.empty();
      }
      throw new ChainException(what + ": JSON-RPC request failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (from < to && isRangeRefusal(e.getMessage())) {
        return Optional.empty();
      }
      throw new ChainException(what + ": " + e.getMessage(), e);
    }
    if (result.hasError()) {
      if (from < to && isRangeRefusal(result.getError().getMessage())) {
        return Optional.empty();
      }
      throw new ChainException(what + ": " + Transactor.errorText(result.getError()));
    }
    List<Log> logs = new ArrayList<>(result.getLogs().size());
    for (EthLog.LogResult<?> r : result.getLogs()) {
      logs.add((Log) r.get());
    }
    return Optional.of(logs);
  }

  /**
   * True if a provider's error text says the range or the result was too large (geth, Erigon,
   * Infura, Alchemy, QuickNode, Ankr and others word it differently).
   */
  public static boolean isRangeRefusal(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("range")
        || m.contains("too many")
        || m.contains("more than")
        || m.contains("limit exceeded")
        || m.contains("response size")
        || m.contains("too large")
        || m.contains("exceed");
  }

  private static DefaultBlockParameter at(long block) {
    return DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
  }
}
