package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.common.http.HttpServerBootstrap;
import io.cvmavs.operator.aggregatorapi.AggregatorException;
import io.cvmavs.operator.aggregatorapi.RpcError;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * Errors use {@link RpcError}'s codes. Every refusal is counted in {@code
 * cvm_avs_aggregator_signatures_rejected_total{reason}}: malformed requests ({@code parse_error},
 * {@code invalid_request} — a body over 64 KiB included — {@code method_not_found}), bad params,
 * internal errors and the aggregator's own refusals; only {@code unknown_task} answered to a
 * read-only query ({@code aggregator_taskStatus}, {@code aggregator_evidence}) is not, since that
 * is a status, not a refusal. Signature checks run off the event loop ({@code executeBlocking}).
 */
public final class AggregatorServer {
  private static final Logger LOG = LoggerFactory.getLogger(AggregatorServer.class);
  private static final int MAX_BODY = 64 * 1024;
  private static final java.util.Set<String> READ_ONLY =
      java.util.Set.of("aggregator_taskStatus", "aggregator_evidence");

  private final Vertx vertx;
  private final Aggregator aggregator;
  private final CvmAvsMetrics metrics;
  private final HttpServerBootstrap http = new HttpServerBootstrap();

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
    router
        .post("/")
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY))
        .handler(this::handle)
        .failureHandler(this::failed);
    return http.listen(vertx, router, host, port)
        .onSuccess(bound -> LOG.info("aggregator JSON-RPC on http://{}:{}/", host, bound));
  }

  public Future<Void> close() {
    return http.close();
  }

  /** A request the body handler refused (413: over {@link #MAX_BODY}) or a handler that threw. */
  private void failed(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.statusCode() == 413) {
      reply(
          ctx,
          rejection(
              null,
              RpcError.INVALID_REQUEST,
              "request body exceeds " + MAX_BODY / 1024 + " KiB",
              true));
    } else {
      LOG.error("request failed", ctx.failure());
      reply(ctx, rejection(null, RpcError.INTERNAL_ERROR, "internal error", true));
    }
  }

  private void handle(RoutingContext ctx) {
    JsonObject request;
    try {
      request = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      reply(ctx, rejection(null, RpcError.PARSE_ERROR, "request body is not a JSON object", true));
      return;
    }
    if (request == null) {
      reply(ctx, rejection(null, RpcError.INVALID_REQUEST, "empty request", true));
      return;
    }
    Object id = request.getValue("id");
    String method = request.getValue("method") instanceof String m ? m : null;
    if (method == null || !"2.0".equals(request.getValue("jsonrpc"))) {
      reply(
          ctx,
          rejection(
              id,
              RpcError.INVALID_REQUEST,
              "not a JSON-RPC 2.0 request (jsonrpc \"2.0\" and method required)",
              true));
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
                boolean counted = !READ_ONLY.contains(method) || e.error() != RpcError.UNKNOWN_TASK;
                reply(ctx, rejection(id, e.error(), e.getMessage(), counted));
              } else {
                LOG.error("{} failed", method, ar.cause());
                reply(
                    ctx,
                    rejection(
                        id,
                        RpcError.INTERNAL_ERROR,
                        "internal error: " + ar.cause().getMessage(),
                        true));
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

  /** An error answer; {@code counted}: it enters the rejection counter. */
  private JsonObject rejection(Object id, RpcError e, String message, boolean counted) {
    if (counted) {
      metrics.signatureRejected(rejectionReason(e));
    }
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
