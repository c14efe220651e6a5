package io.cvmavs.consensus.bench;

import io.cvmavs.consensus.abci.AbciClient;
import io.cvmavs.consensus.abci.AbciServer;
import io.cvmavs.consensus.abci.Application;
import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.RequestEcho;
import io.cvmavs.consensus.proto.abci.Response;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ABCI {@code Echo} round trips on one loopback connection: each operation writes Echo + Flush, as
 * CometBFT's synchronous client does, and waits for both responses. Target (issue 17): at least 20k
 * round trips per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class EchoBenchmark {
  private AbciServer server;
  private AbciClient client;
  private Request echo;

  @Setup(Level.Trial)
  public void start() throws IOException {
    // Echo never reaches the application; any call that does is a bug here.
    Application unused =
        (Application)
            Proxy.newProxyInstance(
                Application.class.getClassLoader(),
                new Class<?>[] {Application.class},
                (proxy, method, args) -> {
                  throw new IllegalStateException("Echo benchmark called " + method.getName());
                });
    server = AbciServer.start(unused, AbciServer.Settings.loopback(0));
    client = AbciClient.connect(server.address());
    echo = Request.newBuilder().setEcho(RequestEcho.newBuilder().setMessage("hello, abci")).build();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    client.close();
    server.close();
  }

  @Benchmark
  public Response echoRoundTrip() throws IOException {
    return client.call(echo);
  }
}
