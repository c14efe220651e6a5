package io.cvmavs.chain.rpc;

import io.cvmavs.chain.ChainException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;

/**
 * JSON-RPC batches, chain-io's batching utility (one HTTP request carries up to {@code
 * maxCallsPerRequest} calls; the requests of one round go out concurrently). Counts HTTP requests
 * and rounds (sequential dependency steps) so benchmarks can report round trips. Thread-safe.
 */
public final class BatchRpc implements AutoCloseable {
  /** One {@code eth_call}: what it is (for errors), target, calldata. */
  public record Call(String what, String to, String data) {}

  private final CountingHttpService service;
  private final Web3j web3j;
  private final int maxCallsPerRequest;
  private final AtomicInteger rounds = new AtomicInteger();

  public BatchRpc(String url, int maxCallsPerRequest) {
    this.service = new CountingHttpService(url);
    this.web3j = Web3j.build(service);
    this.maxCallsPerRequest = maxCallsPerRequest;
  }

  public Web3j web3j() {
    return web3j;
  }

  /** HTTP requests sent so far (each a JSON-RPC batch or single call). */
  public int httpRequests() {
    return service.requests.get();
  }

  /** Rounds sent so far: calls that depended on an earlier answer start a new round. */
  public int rounds() {
    return rounds.get();
  }

  public static DefaultBlockParameter at(long block) {
    return DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
  }

  /** Builds the {@code eth_call} request of {@code call} pinned to {@code block}. */
  public Request<?, ? extends Response<?>> ethCall(Call call, long block) {
    return web3j.ethCall(
        Transaction.createEthCallTransaction(null, call.to(), call.data()), at(block));
  }

  /**
   * Sends {@code requests} as one round, in JSON-RPC batches of at most {@code maxCallsPerRequest};
   * answers in request order.
   *
   * @throws ChainException if a request fails or returns a JSON-RPC error ({@code what} names each
   *     request for the message)
   */
  public List<Response<?>> round(
      List<Request<?, ? extends Response<?>>> requests, List<String> what) {
    rounds.incrementAndGet();
    List<CompletableFuture<BatchResponse>> futures = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += maxCallsPerRequest) {
      BatchRequest batch = new BatchRequest(service);
      requests
          .subList(from, Math.min(requests.size(), from + maxCallsPerRequest))
          .forEach(batch::add);
      futures.add(batch.sendAsync());
    }
    List<Response<?>> out = new ArrayList<>(requests.size());
    for (CompletableFuture<BatchResponse> f : futures) {
      BatchResponse r;
      try {
        r = f.join();
      } catch (CompletionException e) {
        throw new ChainException(
            "JSON-RPC batch to " + service.getUrl() + " failed: " + e.getCause().getMessage(),
            e.getCause());
      }
      out.addAll(r.getResponses());
    }
    if (out.size() != requests.size()) {
      throw new ChainException(
          "JSON-RPC batch answered " + out.size() + " of " + requests.size() + " requests");
    }
    for (int i = 0; i < out.size(); i++) {
      Response<?> r = out.get(i);
      if (r.hasError()) {
        throw new ChainException(
            what.get(i)
                + " failed: "
                + r.getError().getMessage()
                + (r.getError().getData() != null ? " (" + r.getError().getData() + ")" : ""));
      }
    }
    return out;
  }

  @Override
  public void close() {
    web3j.shutdown();
  }

  /** An {@link HttpService} that counts its HTTP requests. */
  private static final class CountingHttpService extends HttpService {
    final AtomicInteger requests = new AtomicInteger();

    CountingHttpService(String url) {
      super(url);
    }

    @Override
    protected InputStream performIO(String request) throws IOException {
      requests.incrementAndGet();
      return super.performIO(request);
    }
  }
}
