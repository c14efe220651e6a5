package io.cvmavs.common.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one way a cvm-avs server starts and stops its Vert.x HTTP server (aggregator JSON-RPC, node
 * API, metrics, monitor dashboard, CVM HTTP API): bind to the given host — {@value #LOOPBACK} when
 * none is given, never all interfaces by default — and port (0: a free port, whose number the
 * returned future holds), and close what was bound. A bind failure is returned as Vert.x reports it
 * (the caller names the setting that chose the address).
 *
 * <p>One instance per server; not reusable after {@link #close()}.
 */
public final class HttpServerBootstrap {
  /** The default bind host: loopback only. */
  public static final String LOOPBACK = "127.0.0.1";

  private volatile HttpServer server;

  /**
   * Starts serving {@code handler} on {@code host:port}.
   *
   * @param host the bind host; null or blank is {@value #LOOPBACK}
   * @param port 0 for a free port, else 1..65535
   * @return the bound port
   * @throws IllegalArgumentException the port is out of range
   * @throws IllegalStateException this bootstrap already started a server
   */
  public Future<Integer> listen(
      Vertx vertx, Handler<HttpServerRequest> handler, String host, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or 1..65535, got " + port);
    }
    if (server != null) {
      throw new IllegalStateException("already listening on port " + server.actualPort());
    }
    String bind = host == null || host.isBlank() ? LOOPBACK : host;
    return vertx
        .createHttpServer()
        .requestHandler(handler)
        .listen(port, bind)
        .map(
            s -> {
              server = s;
              return s.actualPort();
            });
  }

  /** The bound port, or -1 before {@link #listen} succeeded. */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  /** Stops listening (completes at once when nothing was bound). */
  public Future<Void> close() {
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.close();
  }
}
