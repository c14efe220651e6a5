package io.cvmavs.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real Vert.x server on loopback: port 0, the default host, close, a port already taken. */
class HttpServerBootstrapTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void portZeroBindsAFreeLoopbackPortServesAndCloses() throws Exception {
    HttpServerBootstrap http = new HttpServerBootstrap();
    assertThat(http.port()).isEqualTo(-1);
    int port = await(http.listen(vertx, req -> req.response().end("hello"), null, 0));
    assertThat(port).isPositive();
    assertThat(http.port()).isEqualTo(port);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("hello");
    assertThatThrownBy(() -> http.listen(vertx, req -> {}, null, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already listening on port " + port);

    await(http.close());
    assertThatThrownBy(
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
              }
            })
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void aTakenPortFailsTheFutureAndABadPortIsRefused() throws Exception {
    HttpServerBootstrap first = new HttpServerBootstrap();
    int port = await(first.listen(vertx, req -> req.response().end(), "127.0.0.1", 0));
    HttpServerBootstrap second = new HttpServerBootstrap();
    assertThatThrownBy(() -> await(second.listen(vertx, req -> {}, "127.0.0.1", port)))
        .hasMessageContaining("Address already in use");
    assertThat(second.port()).isEqualTo(-1);
    await(second.close()); // nothing bound: completes at once
    assertThatThrownBy(() -> new HttpServerBootstrap().listen(vertx, req -> {}, null, 70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 70000");
    await(first.close());
  }
}
