package io.cvmavs.operator.monitor;

import io.cvmavs.common.http.HttpServerBootstrap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's dashboard on Vert.x: {@code GET /} (one page), {@code /assets/*} (its script and
 * Chart.js from the {@code org.webjars.npm:chart.js} WebJar on the classpath — nothing from a CDN),
 * {@code /api/operators}, {@code /api/tasks}, {@code /api/events}, {@code /api/summary} (JSON) and
 * {@code /api/stream} (Server-Sent Events: an {@code update} event with the summary after every
 * poll that read new blocks).
 */
public final class DashboardServer {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";

  private final Vertx vertx;
  private final AttestationHealth health;
  private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
  private final HttpServerBootstrap http = new HttpServerBootstrap();
  private long keepAlive = -1;

  public DashboardServer(Vertx vertx, AttestationHealth health) {
    this.vertx = vertx;
    this.health = health;
  }

  public Future<Integer> listen(String host, int port) {
    Router router = Router.router(vertx);
    router.get("/").handler(ctx -> resource(ctx, "/monitor/index.html", "text/html"));
    router
        .get("/assets/app.js")
        .handler(ctx -> resource(ctx, "/monitor/app.js", "text/javascript"));
    router.get("/assets/chart.umd.js").handler(ctx -> resource(ctx, CHART_JS, "text/javascript"));
    router.get("/api/operators").handler(ctx -> json(ctx, health.operatorsJson().encode()));
    router.get("/api/tasks").handler(ctx -> json(ctx, health.tasksJson(limit(ctx)).encode()));
    router.get("/api/events").handler(ctx -> json(ctx, health.eventsJson(limit(ctx)).encode()));
    router.get("/api/summary").handler(ctx -> json(ctx, health.summary().encode()));
    router.get("/api/stream").handler(this::stream);
    return http.listen(vertx, router, host, port)
        .onSuccess(
            bound -> {
              keepAlive = vertx.setPeriodic(15_000, id -> broadcast(": keep-alive\n\n"));
              LOG.info("monitor dashboard on http://{}:{}/", host, bound);
            });
  }

  /** Tells every open stream that the state changed (called by the poll loop, any thread). */
  public void changed() {
    JsonObject summary = health.summary();
    broadcast("event: update\ndata: " + summary.encode() + "\n\n");
  }

  public Future<Void> close() {
    if (keepAlive >= 0) {
      vertx.cancelTimer(keepAlive);
    }
    streams.forEach(r -> r.end().recover(e -> Future.succeededFuture()));
    return http.close();
  }

  private void broadcast(String frame) {
    for (HttpServerResponse r : streams) {
      if (!r.closed()) {
        r.write(frame).onFailure(e -> streams.remove(r));
      }
    }
  }

  private void stream(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    r.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    r.closeHandler(v -> streams.remove(r));
    streams.add(r);
    r.write("retry: 2000\nevent: update\ndata: " + health.summary().encode() + "\n\n");
  }

  private static int limit(RoutingContext ctx) {
    String l = ctx.request().getParam("limit");
    try {
      return l == null ? 200 : Math.max(1, Math.min(1000, Integer.parseInt(l)));
    } catch (NumberFormatException e) {
      return 200;
    }
  }

  private static void json(RoutingContext ctx, String body) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }

  private static void resource(RoutingContext ctx, String path, String type) {
    try (InputStream in = DashboardServer.class.getResourceAsStream(path)) {
      if (in == null) {
        ctx.response().setStatusCode(404).end("missing resource " + path);
        return;
      }
      ctx.response()
          .putHeader("Content-Type", type + "; charset=utf-8")
          .end(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      ctx.fail(e);
    }
  }
}
