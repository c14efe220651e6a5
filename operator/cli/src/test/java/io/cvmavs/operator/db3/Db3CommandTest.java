package io.cvmavs.operator.db3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.MutationJson;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.operator.cli.CliRun;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * {@code cvm-avs db3 apply|query|root} on a real ChainbaseDB directory: a DDL + DML sequence signed
 * with an Ethereum key in the JSON form is applied; refused mutations are named with code and field
 * and leave the state root unchanged (all or nothing) or are skipped ({@code --skip-refused}); get,
 * range, k-NN and graph queries answer from the store; {@code root --verify} recomputes the root.
 */
class Db3CommandTest {
  private static final long CHAIN = 7;
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** The environment the next runs see (passwords); null: the process's. */
  private java.util.Map<String, String> env;

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return env == null
        ? CliRun.run(out, err, args)
        : CliRun.run(new io.cvmavs.operator.command.CliContext(env::get), out, err, args);
  }

  private Path file(String name, Mutation... ms) throws Exception {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ms.length; i++) {
      sb.append(i == 0 ? "" : ",").append(MutationJson.toJson(ms[i]));
    }
    Path f = tmp.resolve(name);
    Files.writeString(f, sb.append("]").toString());
    return f;
  }

  private static byte[] doc(String json) {
    return BsonDocuments.fromJson(json, "doc");
  }

  private JsonNode query(Path db, String q) throws Exception {
    assertThat(run("db3", "query", "--db", db.toString(), q)).as(err.toString()).isZero();
    return JSON.readTree(out.toString());
  }

  @Test
  void applyQueryAndRoot() throws Exception {
    MutationSigner alice = MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(0xA11CE)));
    Identity db = DerivedIds.database(alice.identity(), 1, 0);
    Mutation ddl =
        alice.sign(
            CHAIN,
            1,
            new Payload.Group(
                List.of(
                    new Payload.CreateDatabase("social", "", List.of(), List.of()),
                    new Payload.CreateCollection(
                        db,
                        "people",
                        List.of(
                            IndexSpec.ordered("by_age", "age"),
                            new IndexSpec(
                                "knows",
                                IndexSpec.Kind.GRAPH_INDEX,
                                List.of("name", "knows"),
                                0,
                                ""),
                            new IndexSpec(
                                "emb", IndexSpec.Kind.VECTOR_INDEX, List.of("emb"), 3, "l2"))))));
    Mutation dml =
        alice.sign(
            CHAIN,
            2,
            new Payload.AddDocuments(
                db,
                "people",
                List.of(
                    doc(
                        "{\"name\": \"alice\", \"age\": 30, \"knows\": \"bob\", \"emb\": [1, 0, 0]}"),
                    doc(
                        "{\"name\": \"bob\", \"age\": 25, \"knows\": \"carol\", \"emb\": [0, 1, 0]}"),
                    doc(
                        "{\"name\": \"carol\", \"age\": 41, \"knows\": \"dave\", \"emb\": [0, 0, 1]}"))));
    Path dir = tmp.resolve("chainbasedb");
    Path f = file("ok.json", ddl, dml);

    assertThat(run("db3", "apply", "--db", dir.toString(), f.toString()))
        .isEqualTo(1); // a new store needs --chain-id
    assertThat(err.toString()).contains("give --chain-id");
    assertThat(run("db3", "apply", "--db", dir.toString(), "--chain-id", "7", f.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("mutation[0]: applied")
        .contains("mutation[1]: applied")
        .contains("height 1 state root 0x");

    assertThat(run("db3", "root", "--db", dir.toString(), "--verify")).isZero();
    String root = out.toString();
    assertThat(root).contains("chain id 7").contains("height 1").contains("(same)");

    // Refused: a replayed nonce, a bad identity in the JSON form, a write by a non-member.
    MutationSigner mallory = MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(0xBAD)));
    Mutation replay =
        alice.sign(CHAIN, 2, new Payload.AddDocuments(db, "people", List.of(doc("{}"))));
    Mutation next =
        alice.sign(CHAIN, 3, new Payload.AddDocuments(db, "people", List.of(doc("{\"age\": 50}"))));
    Mutation stranger =
        mallory.sign(CHAIN, 1, new Payload.AddDocuments(db, "people", List.of(doc("{}"))));
    Path bad = file("bad.json", replay, next, stranger);
    assertThat(run("db3", "apply", "--db", dir.toString(), bad.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("mutation[0]: refused NONCE_REPLAYED (9) at nonce")
        .contains("mutation[1]: accepted")
        .contains("mutation[2]: refused NOT_DATABASE_MEMBER (15) at data.db")
        .contains("nothing applied");
    assertThat(run("db3", "root", "--db", dir.toString())).isZero();
    String rootLine = root.lines().filter(l -> l.startsWith("height ")).findFirst().orElseThrow();
    assertThat(out.toString()).contains(rootLine);

    // A JSON-form error is refused with the binary form's code and field.
    String json = MutationJson.toJson(next).replace(db.toString(), "db3_db:cvm:0x12");
    Path badId = tmp.resolve("bad-id.json");
    Files.writeString(badId, json);
    assertThat(run("db3", "apply", "--db", dir.toString(), badId.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("mutation[0]: refused BAD_IDENTITY (8) at data.db");

    // --skip-refused applies the accepted one as block 2.
    assertThat(run("db3", "apply", "--db", dir.toString(), "--skip-refused", bad.toString()))
        .isEqualTo(1);
    assertThat(out.toString())
        .contains("mutation[0]: refused NONCE_REPLAYED")
        .contains("mutation[1]: applied")
        .contains("height 2");

    // Another chain id than the store's is refused.
    assertThat(run("db3", "apply", "--db", dir.toString(), "--chain-id", "8", f.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("belongs to chain 7, not 8");

    String base = "\"db\":\"" + db + "\",\"collection\":\"people\"";
    String aliceId = HexFormat.of().formatHex(DerivedIds.document(dml.signingRoot(), 0, 0));
    JsonNode get = query(dir, "{\"op\":\"get\"," + base + ",\"id\":\"" + aliceId + "\"}");
    assertThat(get.get("found").asBoolean()).isTrue();
    assertThat(get.at("/document/owner").asText()).isEqualTo(alice.identity().toString());
    assertThat(get.at("/document/document/name").asText()).isEqualTo("alice");

    JsonNode range =
        query(
            dir,
            "{\"op\":\"range\","
                + base
                + ",\"index\":\"by_age\",\"low\":{\"values\":[26]},\"high\":{\"values\":[45]}}");
    assertThat(range.get("results")).hasSize(2);
    assertThat(range.at("/results/0/document/name").asText()).isEqualTo("alice");
    assertThat(range.at("/results/1/document/name").asText()).isEqualTo("carol");

    JsonNode knn =
        query(
            dir, "{\"op\":\"knn\"," + base + ",\"index\":\"emb\",\"vector\":[0.1,0.9,0],\"k\":2}");
    assertThat(knn.at("/results/0/document/name").asText()).isEqualTo("bob");
    assertThat(knn.at("/results/0/score").asDouble())
        .isCloseTo(Math.sqrt(0.01 + 0.01), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(knn.get("results")).hasSize(2);

    JsonNode hops =
        query(
            dir,
            "{\"op\":\"hops\"," + base + ",\"index\":\"knows\",\"node\":\"alice\",\"hops\":2}");
    assertThat(hops.get("nodes").toString())
        .isEqualTo("[{\"node\":\"bob\",\"hops\":1},{\"node\":\"carol\",\"hops\":2}]");
    JsonNode path =
        query(
            dir,
            "{\"op\":\"path\","
                + base
                + ",\"index\":\"knows\",\"from\":\"alice\",\"to\":\"dave\"}");
    assertThat(path.get("path").toString()).isEqualTo("[\"alice\",\"bob\",\"carol\",\"dave\"]");
    JsonNode in =
        query(
            dir,
            "{\"op\":\"neighbours\","
                + base
                + ",\"index\":\"knows\",\"node\":\"carol\",\"direction\":\"in\"}");
    assertThat(in.at("/edges/0/from").asText()).isEqualTo("bob");

    // Bad queries name the field.
    assertThat(run("db3", "query", "--db", dir.toString(), "{\"op\":\"nope\"}")).isEqualTo(1);
    assertThat(err.toString()).contains("op: unknown op 'nope'");
    assertThat(
            run(
                "db3",
                "query",
                "--db",
                dir.toString(),
                "{\"op\":\"knn\"," + base + ",\"index\":\"emb\",\"vector\":[1,2],\"k\":2}"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("query vector has 2 dimensions; index 'emb' has 3");
    assertThat(
            run(
                "db3",
                "query",
                "--db",
                dir.toString(),
                "{\"op\":\"range\"," + base + ",\"index\":\"by_age\",\"limit\":5000}"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("limit: an integer 1..1000");
    assertThat(run("db3", "root", "--db", tmp.resolve("absent").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no ChainbaseDB at");
  }

  @Test
  void signTurnsAnUnsignedFileIntoMutationsTheStoreAppliesAsTheKeysOwner() throws Exception {
    ECKeyPair key = ECKeyPair.create(BigInteger.valueOf(0xB0B));
    Path keystore = tmp.resolve("bob.json");
    io.cvmavs.crypto.keystore.EcdsaKeystore.write(
        keystore,
        key,
        "pw".toCharArray(),
        io.cvmavs.crypto.keystore.ScryptParams.LIGHT,
        new java.security.SecureRandom());
    Path unsigned = tmp.resolve("unsigned.json");
    Files.writeString(
        unsigned,
        """
        [{"type": "CREATE_DATABASE",
          "data": {"name": "notes", "description": "", "members": [], "permission_list": []}}]
        """);
    String[] sign = {"db3", "sign", "--ecdsa-keystore", keystore.toString()};
    String[] chainAndNonce = {"--chain-id", "7", "--nonce", "1", unsigned.toString()};
    String[] signWithOptions = concat(sign, chainAndNonce);
    env = java.util.Map.of("OPERATOR_ECDSA_KEY_PASSWORD", "pw");
    assertThat(run(signWithOptions)).as(err.toString()).isZero();
    MutationSigner bob = MutationSigner.eth(key);
    assertThat(err.toString()).contains("signed 1 mutation(s) as " + bob.identity());
    String signedJson = out.toString();
    Mutation signed = MutationJson.fromJson(JSON.readTree(signedJson).get(0).toString());
    assertThat(signed.nonce()).isEqualTo(1);
    assertThat(signed.chainId()).isEqualTo(CHAIN);
    // the same bytes as signing in Java: the signing root covers type, data, chain and nonce
    assertThat(signed.encode())
        .isEqualTo(
            bob.sign(CHAIN, 1, new Payload.CreateDatabase("notes", "", List.of(), List.of()))
                .encode());
    Path signedFile = tmp.resolve("signed.json");
    Files.writeString(signedFile, signedJson);
    Path dir = tmp.resolve("signed-db");
    assertThat(
            run("db3", "apply", "--db", dir.toString(), "--chain-id", "7", signedFile.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("mutation[0]: applied");

    // a wrong password, a missing chain_id, an unknown type, a non-eth payment chain: named, exit 1
    env = java.util.Map.of("OPERATOR_ECDSA_KEY_PASSWORD", "nope");
    assertThat(run(signWithOptions)).isEqualTo(1);
    assertThat(err.toString()).containsIgnoringCase("password");
    assertThat(run(concat(sign, new String[] {unsigned.toString()}))).isEqualTo(1);
    assertThat(err.toString()).contains("mutation[0] MALFORMED (1) at chain_id");
    Files.writeString(unsigned, "[{\"type\": \"DROP_EVERYTHING\", \"data\": {}}]");
    assertThat(run(signWithOptions)).isEqualTo(1);
    assertThat(err.toString()).contains("mutation[0]").contains("at type");
    Files.writeString(
        unsigned,
        "{\"type\": \"CREATE_DATABASE\", \"sender_payment_chain_id\": \"near\", \"data\": {}}");
    assertThat(run(signWithOptions)).isEqualTo(1);
    assertThat(err.toString()).contains("sender_payment_chain_id is 'near'");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void submitAndQueryAgainstACvmChainNode() throws Exception {
    io.cvmavs.consensus.driver.ValidatorKey ed =
        io.cvmavs.consensus.driver.ValidatorKey.fromSeed(
            io.cvmavs.cvm.proof.Keccak.hash(
                "db3 cli".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    io.cvmavs.crypto.bls.BlsKeyPair bls =
        io.cvmavs.crypto.bls.BlsKeyPair.fromSecret(BigInteger.valueOf(9001));
    io.cvmavs.consensus.app.GenesisState genesis =
        new io.cvmavs.consensus.app.GenesisState(
            "eth",
            1,
            5,
            0,
            1_000_000,
            0,
            0,
            List.of(io.cvmavs.cvm.proof.Keccak.hash("no CVM blocks here".getBytes())),
            io.cvmavs.consensus.app.model.BlsValidatorSet.of(
                List.of(
                    new io.cvmavs.consensus.app.model.BlsValidator(
                        io.cvmavs.stake.validator.ConsensusKey.of(ed.publicKey()),
                        bls.publicKeyG1(),
                        bls.publicKeyG2(),
                        10))));
    // Ethereum stays at block 0, so no CVM block is ever due and the engine is never asked.
    io.cvmavs.consensus.app.engine.CvmEngine none =
        (m, h, from, to) -> {
          throw new IllegalStateException("no CVM blocks in this test");
        };
    try (io.cvmavs.consensus.devnet.CvmChainNet chain =
        io.cvmavs.consensus.devnet.CvmChainNet.start(
            new io.cvmavs.consensus.devnet.CvmChainNet.Settings(
                "db3-cli-1",
                genesis,
                List.of(new io.cvmavs.consensus.devnet.CvmChainNet.Validator("v0", ed, bls, none)),
                () -> 0L,
                tmp.resolve("chain"),
                null,
                java.time.Duration.ofSeconds(30)))) {
      String rpc = chain.rpc().toString();
      long chainId = io.cvmavs.consensus.app.CvmChainApp.db3ChainId("db3-cli-1");
      MutationSigner alice = MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(0xA11CE)));
      Identity db = DerivedIds.database(alice.identity(), 1, 0);
      Mutation ddl =
          alice.sign(
              chainId,
              1,
              new Payload.Group(
                  List.of(
                      new Payload.CreateDatabase("social", "", List.of(), List.of()),
                      new Payload.CreateCollection(
                          db, "people", List.of(IndexSpec.ordered("by_age", "age"))),
                      new Payload.AddDocuments(
                          db, "people", List.of(doc("{\"name\": \"alice\", \"age\": 30}"))))));

      // Another chain's mutation: refused before anything is sent.
      Path wrong =
          file(
              "wrong.json",
              alice.sign(CHAIN, 1, new Payload.CreateDatabase("x", "", List.of(), List.of())));
      assertThat(run("db3", "submit", "--rpc", rpc, wrong.toString())).isEqualTo(1);
      assertThat(err.toString())
          .contains(
              "mutation[0].chain_id 7 is not the chain's DB3 chain id "
                  + Long.toUnsignedString(chainId));

      assertThat(run("db3", "submit", "--rpc", rpc, file("ddl.json", ddl).toString()))
          .as(err.toString())
          .isZero();
      assertThat(out.toString()).startsWith("mutation[0]: accepted, tx ");
      // nonce 1 again (another mutation): the node's CheckTx session refuses it, naming the field
      Path again =
          file(
              "again.json",
              alice.sign(chainId, 1, new Payload.CreateDatabase("y", "", List.of(), List.of())));
      assertThat(run("db3", "submit", "--rpc", rpc, again.toString())).isEqualTo(1);
      assertThat(out.toString())
          .contains(
              "mutation[0]: refused code 109 (db3): db3_mutation.mutation.nonce: NONCE_REPLAYED");

      assertThat(chain.step()).isPresent();
      byte[] id = DerivedIds.document(ddl.signingRoot(), 2, 0);
      String get =
          "{\"op\":\"get\",\"db\":\""
              + db
              + "\",\"collection\":\"people\",\"id\":\""
              + HexFormat.of().formatHex(id)
              + "\"}";
      assertThat(run("db3", "query", "--rpc", rpc, get)).as(err.toString()).isZero();
      JsonNode found = JSON.readTree(out.toString());
      assertThat(found.get("found").asBoolean()).isTrue();
      assertThat(found.get("document").get("owner").asText())
          .isEqualTo(alice.identity().toString());
      assertThat(run("db3", "query", "--rpc", rpc, "{\"op\":\"get\"}")).isEqualTo(1);
      assertThat(err.toString()).contains("refused by " + rpc);
      assertThat(run("db3", "query", "--rpc", rpc, "--db", tmp.toString(), get)).isEqualTo(2);
    }
  }

  /** An RPC URL's secrets (API key path segment, query) never reach the error output. */
  @Test
  void rpcErrorsHideTheUrlsSecrets() throws Exception {
    String key = "abcdef0123456789abcdef0123456789";
    String rpc;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      rpc = "http://127.0.0.1:" + s.getLocalPort() + "/v3/" + key + "?token=secret-token";
    } // closed: connections are refused
    Path f =
        file(
            "one.json",
            MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(0xB0B)))
                .sign(CHAIN, 1, new Payload.CreateDatabase("x", "", List.of(), List.of())));
    assertThat(run("db3", "query", "--rpc", rpc, "{\"op\":\"get\"}")).isEqualTo(1);
    assertThat(err.toString())
        .contains("/v3/***")
        .doesNotContain(key)
        .doesNotContain("secret-token");
    assertThat(run("db3", "submit", "--rpc", rpc, f.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("/v3/***")
        .doesNotContain(key)
        .doesNotContain("secret-token");
  }
}
