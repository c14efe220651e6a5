package io.cvmavs.chainbasedb;

import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.MutationJson;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.ECKeyPair;

/**
 * The golden vectors of docs/DB3-FORMAT.md §10, built from public test keys: anvil's first dev key
 * (eth) and the Ed25519 seed 0x01..0x20 (near). Main prints them as the JSON committed in
 * src/test/resources/db3-golden-vectors.json.
 */
public final class GoldenVectors {
  public static final long CHAIN_ID = 31337;
  public static final String ETH_KEY =
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  private GoldenVectors() {}

  public static ECKeyPair ethKey() {
    return ECKeyPair.create(new BigInteger(ETH_KEY, 16));
  }

  public static byte[] nearSeed() {
    byte[] s = new byte[32];
    for (int i = 0; i < 32; i++) {
      s[i] = (byte) (i + 1);
    }
    return s;
  }

  /** name → signed mutation, in order. */
  public static Map<String, Mutation> build() {
    MutationSigner eth = MutationSigner.eth(ethKey());
    MutationSigner near = MutationSigner.near(nearSeed());
    Map<String, Mutation> out = new LinkedHashMap<>();
    out.put(
        "eth-create-database",
        eth.sign(
            CHAIN_ID,
            1,
            new Payload.CreateDatabase("notes", "worked example", List.of(), List.of())));
    Identity db = DerivedIds.database(eth.identity(), 1, 0);
    out.put(
        "eth-group-collection-and-documents",
        eth.sign(
            CHAIN_ID,
            2,
            new Payload.Group(
                List.of(
                    new Payload.CreateCollection(
                        db, "people", List.of(IndexSpec.ordered("by_age_name", "age", "name"))),
                    new Payload.AddDocuments(
                        db,
                        "people",
                        List.of(
                            BsonDocuments.fromJson("{\"name\": \"alice\", \"age\": 30}", "doc"),
                            BsonDocuments.fromJson("{\"name\": \"bob\", \"age\": 25}", "doc")))))));
    out.put(
        "near-create-database",
        near.sign(
            CHAIN_ID,
            1,
            new Payload.CreateDatabase("near_db", "", List.of(eth.identity()), List.of())));
    return out;
  }

  public static void main(String[] args) {
    HexFormat hex = HexFormat.of();
    StringBuilder sb = new StringBuilder("[\n");
    for (Map.Entry<String, Mutation> e : build().entrySet()) {
      Mutation m = e.getValue();
      sb.append("{\"name\": \"")
          .append(e.getKey())
          .append("\",\n \"signing_root\": \"0x")
          .append(hex.formatHex(m.signingRoot()))
          .append("\",\n \"encoded\": \"0x")
          .append(hex.formatHex(m.encode()))
          .append("\",\n \"sender\": \"")
          .append(
              new io.cvmavs.chainbasedb.validate.MutationValidator(CHAIN_ID)
                  .checkStateless(m.encode())
                  .sender())
          .append("\",\n \"json\": ")
          .append(MutationJson.toJson(m))
          .append("},\n");
    }
    sb.setLength(sb.length() - 2);
    System.out.println(sb.append("\n]"));
  }
}
