package io.cvmavs.operator.monitoring;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.Web3ClientVersion;
import org.web3j.protocol.http.HttpService;

/**
 * A web3j {@link HttpService} that records {@code eigen_rpc_request_total} and {@code
 * eigen_rpc_request_duration_seconds} per JSON-RPC method (synchronous and async calls alike; each
 * request of a batch counts with the batch's duration). The {@code client_version} label is the
 * node's {@code web3_clientVersion}, asked once on first use; while it cannot be had the label is
 * {@code unknown} and the question is asked again at most once a minute.
 */
public class InstrumentedHttpService extends HttpService {
  static final String UNKNOWN = "unknown";
  private static final long RETRY_NANOS = Duration.ofMinutes(1).toNanos();

  private final CvmAvsMetrics metrics;
  private final LongSupplier nanos;
  private volatile String clientVersion;
  private long lastAttempt;
  private boolean attempted;

  public InstrumentedHttpService(String url, CvmAvsMetrics metrics) {
    this(url, metrics, System::nanoTime);
  }

  public InstrumentedHttpService(String url, CvmAvsMetrics metrics, LongSupplier nanos) {
    super(url);
    this.metrics = metrics;
    this.nanos = nanos;
  }

  /** A {@link Web3j} on an instrumented service for {@code url}. */
  public static Web3j web3j(URI url, CvmAvsMetrics metrics) {
    return Web3j.build(new InstrumentedHttpService(url.toString(), metrics));
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public <T extends Response> T send(Request request, Class<T> responseType) throws IOException {
    String method = request.getMethod();
    String version = clientVersion();
    long start = nanos.getAsLong();
    try {
      return super.send(request, responseType);
    } catch (IOException | RuntimeException e) {
      metrics.rpcFailure(method);
      throw e;
    } finally {
      metrics.rpcRequest(method, version, Duration.ofNanos(nanos.getAsLong() - start));
    }
  }

  @Override
  public BatchResponse sendBatch(BatchRequest batch) throws IOException {
    List<? extends Request<?, ? extends Response<?>>> requests = batch.getRequests();
    String version = clientVersion();
    long start = nanos.getAsLong();
    boolean failed = true;
    try {
      BatchResponse r = super.sendBatch(batch);
      failed = false;
      return r;
    } finally {
      Duration d = Duration.ofNanos(nanos.getAsLong() - start);
      for (Request<?, ?> r : requests) {
        if (failed) {
          metrics.rpcFailure(r.getMethod());
        }
        metrics.rpcRequest(r.getMethod(), version, d);
      }
    }
  }

  /** The node's {@code web3_clientVersion}, or {@code unknown} while it cannot be had. */
  public String clientVersion() {
    String v = clientVersion;
    if (v != null) {
      return v;
    }
    synchronized (this) {
      if (clientVersion != null) {
        return clientVersion;
      }
      long now = nanos.getAsLong();
      if (attempted && now - lastAttempt < RETRY_NANOS) {
        return UNKNOWN;
      }
      attempted = true;
      lastAttempt = now;
      try {
        Web3ClientVersion r =
            super.send(
                new Request<>("web3_clientVersion", List.of(), this, Web3ClientVersion.class),
                Web3ClientVersion.class);
        String answer = r.hasError() ? null : r.getWeb3ClientVersion();
        metrics.rpcRequest(
            "web3_clientVersion",
            answer == null || answer.isBlank() ? UNKNOWN : answer,
            Duration.ofNanos(nanos.getAsLong() - now));
        if (answer != null && !answer.isBlank()) {
          clientVersion = answer;
          return answer;
        }
      } catch (IOException | RuntimeException e) {
        metrics.rpcFailure("web3_clientVersion");
      }
      return UNKNOWN;
    }
  }
}
