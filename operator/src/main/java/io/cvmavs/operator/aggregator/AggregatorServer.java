package io.cvmavs.operator.aggregator;

import io.cvmavs.operator.chain.TaskResponse;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's JSON-RPC 2.0 endpoint ({@code POST /}) on Vert.x. Methods:
 *
 * <ul>
 *   <li>{@code aggregator_submitSignature} {@code {taskIndex, response: {referenceTaskIndex,
 *       cvmBlockHash, datasetRoot, stateRoot}, operatorId, signature}} → {@code {accepted, digest,
 *       signers, thresholdMet}}
 *   <li>{@code aggregator_taskStatus} {@code {taskIndex}}
 * </ul>
 *
 * Errors use {@link RpcError}'s codes. Signature checks run off the event loop ({@code
 * executeBlocking}); request bodies are capped at 64 KiB.
 */
public final class AggregatorServer {
  private static final Logger LOG = LoggerFactory.getLogger(AggregatorServer.class);
  private static final int MAX_BODY = 64 * 1024;

  private final Vertx vertx;
  private final Aggregator aggregator;
  private final CvmAvsMetrics metrics;
  private HttpServer server;

  public AggregatorServer(Vertx vertx, Aggregator aggregator) {
    this(vertx, aggregator, CvmAvsMetrics.disabled());
  }

  /** Counts verified and rejected signatures in {@code metrics}. */
  public AggregatorServer(Vertx vertx, Aggregator aggregator, CvmAvsMetrics metrics) {
    this.vertx = vertx;
    this.aggregator = aggregator;
    this.metrics = metrics;
  }

  /** The {@code reason} label of a rejected signature: the error's name in lower case. */
  public static String rejectionReason(RpcError e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }

  public Future<Integer> listen(String host, int port) {
    Router router = Router.router(vertx);
    router.post("/").handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::handle);
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, host)
        .map(
            s -> {
              server = s;
              LOG.info("aggregator JSON-RPC on http://{}:{}/", host, s.actualPort());
              return s.actualPort();
            });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(RoutingContext ctx) {
    JsonObject request;
    try {
      request = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      reply(ctx, error(null, RpcError.PARSE_ERROR, "request body is not a JSON object"));
      return;
    }
    if (request == null) {
      reply(ctx, error(null, RpcError.INVALID_REQUEST, "empty request"));
      return;
    }
    Object id = request.getValue("id");
    String method = request.getValue("method") instanceof String m ? m : null;
    if (method == null || !"2.0".equals(request.getValue("jsonrpc"))) {
      reply(
          ctx,
          error(
              id,
              RpcError.INVALID_REQUEST,
              "not a JSON-RPC 2.0 request (jsonrpc \"2.0\" and method required)"));
      return;
    }
    vertx
        .executeBlocking(() -> dispatch(method, request.getValue("params")), false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                reply(
                    ctx,
                    new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("id", id)
                        .put("result", ar.result()));
              } else if (ar.cause() instanceof AggregatorException e) {
                if (method.equals("aggregator_submitSignature")) {
                  metrics.signatureRejected(rejectionReason(e.error()));
                }
                reply(ctx, error(id, e.error(), e.getMessage()));
              } else {
                LOG.error("{} failed", method, ar.cause());
                reply(
                    ctx,
                    error(
                        id, RpcError.INTERNAL_ERROR, "internal error: " + ar.cause().getMessage()));
              }
            });
  }

  private Object dispatch(String method, Object params) {
    JsonObject p = params instanceof JsonObject o ? o : null;
    if (p == null) {
      if (!method.equals("aggregator_submitSignature")
          && !method.equals("aggregator_taskStatus")
          && !method.equals("aggregator_evidence")) {
        throw RpcError.METHOD_NOT_FOUND.error("unknown method " + method);
      }
      throw RpcError.INVALID_PARAMS.error("params must be a JSON object");
    }
    return switch (method) {
      case "aggregator_submitSignature" -> {
        long taskIndex = uint32(p, "taskIndex");
        JsonObject r = p.getValue("response") instanceof JsonObject o ? o : null;
        if (r == null) {
          throw RpcError.INVALID_PARAMS.error("response must be an object");
        }
        TaskResponse response =
            new TaskResponse(
                uint32(r, "referenceTaskIndex"),
                hex(r, "cvmBlockHash", 32),
                hex(r, "datasetRoot", 32),
                hex(r, "stateRoot", 32));
        String operatorId = "0x" + HexFormat.of().formatHex(hex(p, "operatorId", 32));
        byte[] signature = hex(p, "signature", -1);
        Aggregator.Accepted a =
            aggregator.submitSignature(taskIndex, response, operatorId, signature);
        metrics.signatureVerified(taskIndex);
        yield new JsonObject()
            .put("accepted", true)
            .put("digest", a.responseDigest())
            .put("signers", a.signers())
            .put("thresholdMet", a.thresholdMet());
      }
      case "aggregator_taskStatus" -> {
        long taskIndex = uint32(p, "taskIndex");
        Aggregator.Status s =
            aggregator
                .status(taskIndex)
                .orElseThrow(
                    () ->
                        RpcError.UNKNOWN_TASK.error(
                            "the aggregator has seen no signature for task " + taskIndex));
        yield JsonObject.mapFrom(s);
      }
      case "aggregator_evidence" -> {
        long from = p.containsKey("fromTaskIndex") ? uint32(p, "fromTaskIndex") : 0;
        yield new JsonObject(aggregator.evidence(from).toJson().toString());
      }
      default -> throw RpcError.METHOD_NOT_FOUND.error("unknown method " + method);
    };
  }

  private static long uint32(JsonObject p, String field) {
    Object v = p.getValue(field);
    if (!(v instanceof Number n)
        || n.longValue() < 0
        || n.longValue() > 0xffffffffL
        || n.doubleValue() != n.longValue()) {
      throw RpcError.INVALID_PARAMS.error(field + " must be an integer in [0, 2^32), got " + v);
    }
    return n.longValue();
  }

  /** 0x-prefixed hex; {@code length} bytes exactly, or any length when negative. */
  private static byte[] hex(JsonObject p, String field, int length) {
    Object v = p.getValue(field);
    if (!(v instanceof String s) || !s.matches("0x([0-9a-fA-F]{2})*")) {
      throw RpcError.INVALID_PARAMS.error(field + " must be 0x-prefixed hex, got " + abbreviate(v));
    }
    byte[] b = HexFormat.of().parseHex(s.substring(2));
    if (length >= 0 && b.length != length) {
      throw RpcError.INVALID_PARAMS.error(field + " must be " + length + " bytes, got " + b.length);
    }
    return b;
  }

  private static String abbreviate(Object v) {
    String s = String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private static JsonObject error(Object id, RpcError e, String message) {
    return new JsonObject()
        .put("jsonrpc", "2.0")
        .put("id", id)
        .put(
            "error",
            new JsonObject().put("code", e.code).put("message", message).put("data", e.name()));
  }

  private static void reply(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }
}
