package io.cvmavs.operator.monitoring;

import io.cvmavs.common.http.HttpServerBootstrap;
import io.cvmavs.common.net.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code GET /metrics} in the Prometheus text format (0.0.4) on its own address. */
public final class MetricsServer {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final Vertx vertx;
  private final CvmAvsMetrics metrics;
  private final HttpServerBootstrap http = new HttpServerBootstrap();

  public MetricsServer(Vertx vertx, CvmAvsMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  /** Starts listening; the future holds the bound port (useful with port 0). */
  public Future<Integer> listen(HostPort address) {
    Router router = Router.router(vertx);
    router
        .get("/metrics")
        .handler(
            ctx ->
                vertx
                    .executeBlocking(metrics::scrape, false)
                    .onComplete(
                        ar -> {
                          if (ar.failed()) {
                            ctx.response().setStatusCode(500).end(ar.cause().toString());
                          } else {
                            ctx.response().putHeader("content-type", CONTENT_TYPE).end(ar.result());
                          }
                        }));
    router
        .route()
        .last()
        .handler(
            ctx ->
                NodeApiServer.json(
                    ctx,
                    404,
                    new JsonObject().put("error", "not found").put("path", ctx.request().path())));
    return http.listen(vertx, router, address.host(), address.port())
        .onSuccess(port -> LOG.info("metrics on http://{}:{}/metrics", address.host(), port));
  }

  public Future<Void> close() {
    return http.close();
  }
}
