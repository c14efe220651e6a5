package io.cvmavs.operator.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.Db3Mutation;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcTypes;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.web3j.crypto.ECKeyPair;

/**
 * The devnet's DB3 sequence on the CVM chain (issue 20), run beside the tasks on its own thread: a
 * user signs with an Ethereum key a database and then, in one group, a collection with an ordered,
 * a vector and a graph index and three documents; both go to the CVM chain over its RPC as {@code
 * Db3Mutation} transactions (as {@code cvm-avs db3 submit} sends them), and once applied they are
 * queried back over {@code abci_query /db3/query} by id, range, vector and graph.
 */
final class DevnetDb3 {
  /** How long the mutations may take to be applied. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * What the summary shows: {@code failedStep} empty when every step passed; the ChainbaseDB's
   * height and root when the documents were found; {@code appliedMillis} from the submission to the
   * documents being readable.
   */
  record Outcome(
      int mutations,
      long height,
      String stateRoot,
      long appliedMillis,
      Optional<String> failedStep) {
    boolean ok() {
      return failedStep.isEmpty();
    }
  }

  private final CompletableFuture<Outcome> result = new CompletableFuture<>();

  private DevnetDb3() {}

  /** Starts the sequence against the CVM chain at {@code cvmRpc}. */
  static DevnetDb3 start(URI cvmRpc, Consumer<String> step) {
    DevnetDb3 self = new DevnetDb3();
    Thread.ofPlatform()
        .daemon()
        .name("devnet-db3")
        .start(
            () -> {
              Outcome o;
              try (CometRpcClient rpc = new CometRpcClient(cvmRpc, Duration.ofSeconds(15))) {
                o = self.run(rpc, step);
              } catch (RuntimeException e) {
                o = failed("unexpected: " + e.getMessage(), step);
              }
              self.result.complete(o);
            });
    return self;
  }

  /** The outcome, waiting at most {@code timeout} for it. */
  Outcome outcome(Duration timeout) {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, -1, "", -1, Optional.of("interrupted"));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return new Outcome(
          0, -1, "", -1, Optional.of("no outcome within " + timeout.toSeconds() + " s"));
    }
  }

  private static Outcome failed(String step, Consumer<String> log) {
    log.accept("db3: FAILED at " + step);
    return new Outcome(0, -1, "", -1, Optional.of(step));
  }

  private static byte[] person(String name, int age, String follows, double... emb) {
    BsonArray a = new BsonArray();
    for (double x : emb) {
      a.add(new BsonDouble(x));
    }
    return BsonDocuments.encode(
        new BsonDocument("name", new BsonString(name))
            .append("age", new BsonInt32(age))
            .append("follows", new BsonString(follows))
            .append("emb", a));
  }

  private Outcome run(CometRpcClient rpc, Consumer<String> step) {
    long chainId = 0;
    boolean known = false;
    String why = "";
    long until = System.nanoTime() + TIMEOUT.toNanos();
    while (!known && System.nanoTime() < until) {
      try {
        RpcTypes.Query root = rpc.abciQuery("/db3/root", new byte[0], 0, false);
        if (root.code() == 0) {
          chainId = Long.parseUnsignedLong(JSON.readTree(root.value()).path("chain_id").asText());
          known = true;
        } else {
          why = "/db3/root answered " + root.code() + ": " + root.log();
        }
      } catch (java.io.IOException | NumberFormatException e) {
        why = e.getMessage();
      }
      if (!known) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return failed("chain id: interrupted", step);
        }
      }
    }
    if (!known) {
      return failed("chain id: " + why, step);
    }
    MutationSigner user =
        MutationSigner.eth(
            ECKeyPair.create(
                new java.math.BigInteger(
                    1,
                    io.cvmavs.cvm.proof.Keccak.hash(
                        "cvm-avs devnet db3 user".getBytes(StandardCharsets.UTF_8)))));
    Identity db = DerivedIds.database(user.identity(), 1, 0);
    Mutation create =
        user.sign(
            chainId, 1, new Payload.CreateDatabase("devnet", "issue 20", List.of(), List.of()));
    Mutation group =
        user.sign(
            chainId,
            2,
            new Payload.Group(
                List.of(
                    new Payload.CreateCollection(
                        db,
                        "people",
                        List.of(
                            IndexSpec.ordered("by_age", "age"),
                            new IndexSpec(
                                "emb", IndexSpec.Kind.VECTOR_INDEX, List.of("emb"), 3, "cosine"),
                            new IndexSpec(
                                "follows",
                                IndexSpec.Kind.GRAPH_INDEX,
                                List.of("name", "follows"),
                                0,
                                ""))),
                    new Payload.AddDocuments(
                        db,
                        "people",
                        List.of(
                            person("alice", 30, "bob", 1, 0, 0),
                            person("bob", 25, "carol", 0, 1, 0),
                            person("carol", 41, "alice", 0, 0, 1))))));
    long start = System.nanoTime();
    for (Mutation m : List.of(create, group)) {
      try {
        RpcTypes.TxSync r =
            rpc.broadcastTxSync(
                TxCodec.envelope(
                    TxEnvelope.newBuilder()
                        .setDb3Mutation(
                            Db3Mutation.newBuilder()
                                .setMutation(ByteString.copyFrom(m.encode())))));
        if (r.code() != 0) {
          return failed(
              "submit (nonce " + m.nonce() + "): code " + r.code() + ": " + r.log(), step);
        }
      } catch (java.io.IOException e) {
        return failed("submit (nonce " + m.nonce() + "): " + e.getMessage(), step);
      }
    }
    step.accept(
        "db3: "
            + user.identity()
            + " submitted a database and a collection with ordered, vector and graph indexes and 3"
            + " documents (2 signed mutations) to the CVM chain");
    String base = "\"db\":\"" + db + "\",\"collection\":\"people\"";
    byte[] alice = DerivedIds.document(group.signingRoot(), 1, 0);
    String byId = "{\"op\":\"get\"," + base + ",\"id\":\"" + HEX.formatHex(alice) + "\"}";
    JsonNode got = null;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      got = query(rpc, byId);
      if (got != null && got.path("found").asBoolean()) {
        break;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return failed("apply: interrupted", step);
      }
    }
    if (got == null || !got.path("found").asBoolean()) {
      return failed(
          "apply: the documents were not readable within " + TIMEOUT.toSeconds() + " s", step);
    }
    long applied = (System.nanoTime() - start) / 1_000_000;
    long height = got.path("height").asLong();
    JsonNode range =
        query(
            rpc, "{\"op\":\"range\"," + base + ",\"index\":\"by_age\",\"low\":{\"values\":[26]}}");
    if (range == null || range.path("results").size() != 2) {
      return failed("query by range: expected alice and carol (age >= 26), got " + range, step);
    }
    JsonNode knn =
        query(
            rpc, "{\"op\":\"knn\"," + base + ",\"index\":\"emb\",\"vector\":[0.1,0.9,0],\"k\":1}");
    String bob = HEX.formatHex(DerivedIds.document(group.signingRoot(), 1, 1));
    if (knn == null || !bob.equals(knn.path("results").path(0).path("id").asText())) {
      return failed("query by vector: expected bob nearest to [0.1, 0.9, 0], got " + knn, step);
    }
    JsonNode path =
        query(
            rpc,
            "{\"op\":\"path\","
                + base
                + ",\"index\":\"follows\",\"from\":\"alice\",\"to\":\"carol\"}");
    if (path == null || !"[\"alice\",\"bob\",\"carol\"]".equals(path.path("path").toString())) {
      return failed("query by graph: expected the path alice → bob → carol, got " + path, step);
    }
    String stateRoot;
    try {
      stateRoot =
          JSON.readTree(rpc.abciQuery("/db3/root", new byte[0], 0, false).value())
              .path("state_root")
              .asText();
    } catch (java.io.IOException e) {
      return failed("state root: " + e.getMessage(), step);
    }
    step.accept(
        String.format(
            "db3: applied at CVM chain height %d %.1f s after submission; queried by id, range,"
                + " vector (k-NN) and graph (path alice → bob → carol); ChainbaseDB root %s",
            height, applied / 1000.0, stateRoot));
    return new Outcome(2, height, stateRoot, applied, Optional.empty());
  }

  /** A {@code /db3/query} answer, null when the node refused it. */
  private static JsonNode query(CometRpcClient rpc, String q) {
    try {
      RpcTypes.Query r = rpc.abciQuery("/db3/query", q.getBytes(StandardCharsets.UTF_8), 0, false);
      return r.code() == 0 ? JSON.readTree(r.value()) : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
