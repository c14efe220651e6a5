package io.cvmavs.operator.monitoring;

import io.cvmavs.common.http.HttpServerBootstrap;
import io.cvmavs.common.net.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EigenLayer AVS node API, spec v0.0.1:
 *
 * <ul>
 *   <li>{@code GET /eigen/node} → {@code {node_name, spec_version: "v0.0.1", node_version}}
 *   <li>{@code GET /eigen/node/health} → 200 / 206 / 503 by {@link NodeHealth}; empty body when
 *       healthy, else (beyond the spec, which leaves the body open) {@code {health, reasons: [{id,
 *       status, reason}]}} for every component that is not Up
 *   <li>{@code GET /eigen/node/services} → {@code {services: [{id, name, description, status}]}},
 *       plus {@code reason} on a component that gave one
 *   <li>{@code GET /eigen/node/services/{id}/health} → 200 when Up, 503 when Down or Initializing
 *       (with {@code {id, status, reason}}), 404 for an unknown id
 * </ul>
 *
 * Anything else is a 404 with a JSON body. Health checks run off the event loop.
 */
public final class NodeApiServer {
  public static final String SPEC_VERSION = "v0.0.1";
  private static final Logger LOG = LoggerFactory.getLogger(NodeApiServer.class);

  private final Vertx vertx;
  private final String nodeName;
  private final String nodeVersion;
  private final ServiceRegistry services;
  private final HttpServerBootstrap http = new HttpServerBootstrap();

  public NodeApiServer(Vertx vertx, String nodeName, String nodeVersion, ServiceRegistry services) {
    this.vertx = vertx;
    this.nodeName = nodeName;
    this.nodeVersion = nodeVersion;
    this.services = services;
  }

  /** Starts listening; the future holds the bound port (useful with port 0). */
  public Future<Integer> listen(HostPort address) {
    Router router = Router.router(vertx);
    router.get("/eigen/node").handler(this::node);
    router.get("/eigen/node/health").handler(this::health);
    router.get("/eigen/node/services").handler(this::services);
    router.get("/eigen/node/services/:id/health").handler(this::serviceHealth);
    router.route().last().handler(NodeApiServer::notFound);
    return http.listen(vertx, router, address.host(), address.port())
        .onSuccess(port -> LOG.info("node API on http://{}:{}/eigen/node", address.host(), port));
  }

  public Future<Void> close() {
    return http.close();
  }

  /** The cvm-avs version filtered into the jar by the build, or {@code unknown}. */
  public static String buildVersion() {
    Properties p = new Properties();
    try (InputStream in = NodeApiServer.class.getResourceAsStream("/cvm-avs-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }

  private void node(RoutingContext ctx) {
    json(
        ctx,
        200,
        new JsonObject()
            .put("node_name", nodeName)
            .put("spec_version", SPEC_VERSION)
            .put("node_version", nodeVersion));
  }

  private void health(RoutingContext ctx) {
    vertx
        .executeBlocking(services::snapshot, false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                json(ctx, 503, new JsonObject().put("error", ar.cause().toString()));
                return;
              }
              NodeHealth health = NodeHealth.of(ar.result());
              if (health == NodeHealth.HEALTHY) {
                ctx.response().setStatusCode(200).end();
                return;
              }
              JsonArray reasons = new JsonArray();
              for (ServiceRegistry.ServiceState s : ar.result()) {
                if (s.status() != ServiceStatus.UP) {
                  reasons.add(state(s));
                }
              }
              json(
                  ctx,
                  health.httpStatus(),
                  new JsonObject()
                      .put("health", health.name().toLowerCase(java.util.Locale.ROOT))
                      .put("reasons", reasons));
            });
  }

  private static JsonObject state(ServiceRegistry.ServiceState s) {
    JsonObject o = new JsonObject().put("id", s.service().id()).put("status", s.status().wire());
    if (!s.reason().isEmpty()) {
      o.put("reason", s.reason());
    }
    return o;
  }

  private void services(RoutingContext ctx) {
    vertx
        .executeBlocking(services::snapshot, false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                json(ctx, 500, new JsonObject().put("error", ar.cause().toString()));
                return;
              }
              JsonArray list = new JsonArray();
              for (ServiceRegistry.ServiceState s : ar.result()) {
                JsonObject o =
                    new JsonObject()
                        .put("id", s.service().id())
                        .put("name", s.service().name())
                        .put("description", s.service().description())
                        .put("status", s.status().wire());
                if (!s.reason().isEmpty()) {
                  o.put("reason", s.reason());
                }
                list.add(o);
              }
              json(ctx, 200, new JsonObject().put("services", list));
            });
  }

  private void serviceHealth(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx
        .executeBlocking(() -> services.state(id), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.response().setStatusCode(503).end();
              } else if (ar.result().isEmpty()) {
                json(ctx, 404, new JsonObject().put("error", "unknown service '" + id + "'"));
              } else {
                ServiceRegistry.ServiceState s = ar.result().get();
                if (s.status() == ServiceStatus.UP) {
                  ctx.response().setStatusCode(200).end();
                } else {
                  json(ctx, 503, state(s));
                }
              }
            });
  }

  private static void notFound(RoutingContext ctx) {
    json(ctx, 404, new JsonObject().put("error", "not found").put("path", ctx.request().path()));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }
}
