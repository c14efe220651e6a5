package io.cvmavs.chainbasedb.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chainbasedb.Db3Fixtures;
import io.cvmavs.chainbasedb.signature.EthPersonalSign;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;

/** Binary and JSON forms of every mutation type, identities, index specs, the eth recovery path. */
class MutationFormatTest {
  private final Db3Fixtures fx = new Db3Fixtures(3);
  private final MutationSigner eth = fx.ethSigner();
  private final Identity db = DerivedIds.database(eth.identity(), 1, 0);

  private List<Payload> everyType() {
    byte[] doc =
        BsonDocuments.fromJson(
            "{\"k\": {\"$numberLong\": \"5\"}, \"s\": \"x\", \"d\": 1.5, \"n\": null}", "d");
    byte[] id = new byte[16];
    id[3] = 7;
    Payload.CreateDatabase cd =
        new Payload.CreateDatabase(
            "d",
            "desc ✓",
            List.of(fx.nearSigner().identity()),
            List.of(
                Identity.parse(
                    "db3_permission:eth:0x00000000000000000000000000000000000000aa", "p")));
    return List.of(
        cd,
        new Payload.CreateExternal(
            "ext",
            Identity.parse("db3_external:eth:0x00000000000000000000000000000000000000bb", "c"),
            "[]"),
        new Payload.CreateCollection(
            db,
            "c",
            List.of(
                IndexSpec.ordered("o", "a", "b.c"),
                new IndexSpec("g", IndexSpec.Kind.GRAPH_INDEX, List.of("from", "to"), 0, ""),
                new IndexSpec("v", IndexSpec.Kind.VECTOR_INDEX, List.of("emb"), 384, "l2"))),
        new Payload.AddDatabaseMember(db, eth.identity()),
        new Payload.AddDocuments(db, "c", List.of(doc, doc)),
        new Payload.DeleteDocuments(db, "c", List.of(id)),
        new Payload.UpdateDocuments(db, "c", List.of(new Payload.Update(id, doc))),
        new Payload.Deposit(
            BigIntegerBytes.of(new BigInteger("1000000000000000000")), new byte[32]),
        new Payload.Withdrawal(BigIntegerBytes.of(BigInteger.TEN), eth.identity()),
        new Payload.Group(List.of(cd, new Payload.AddDocuments(db, "c", List.of(doc)))));
  }

  @Test
  void everyTypeRoundTripsThroughBinaryAndJson() {
    long nonce = 1;
    for (Payload p : everyType()) {
      Mutation m = eth.sign(99, nonce++, p);
      Mutation back = Mutation.decode(m.encode());
      assertThat(back.encode()).as(p.type().name()).isEqualTo(m.encode());
      assertThat(back.payload().encode()).isEqualTo(p.encode());
      String json = MutationJson.toJson(m);
      Mutation fromJson = MutationJson.fromJson(json);
      assertThat(fromJson.encode()).as(json).isEqualTo(m.encode());
      assertThat(fromJson.signingRoot()).isEqualTo(m.signingRoot());
    }
  }

  @Test
  void jsonErrorsNameTheField() {
    Mutation m =
        eth.sign(
            99, 1, new Payload.AddDocuments(db, "c", List.of(BsonDocuments.fromJson("{}", "d"))));
    String json = MutationJson.toJson(m);
    assertThatThrownBy(
            () -> MutationJson.fromJson(json.replace("\"nonce\" : \"1\"", "\"nonce\" : \"-1\"")))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("nonce"));
    assertThatThrownBy(() -> MutationJson.fromJson(json.replace("\"collection\"", "\"colection\"")))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("data.colection"));
    assertThatThrownBy(() -> MutationJson.fromJson(json.replace("db3_db:cvm", "db3_db:eth")))
        .isInstanceOfSatisfying(
            BadIdentityException.class, e -> assertThat(e.field()).isEqualTo("data.db"));
    assertThatThrownBy(
            () ->
                MutationJson.fromJson(
                    json.replace("\"documents\" : [ { } ]", "\"documents\" : [ 5 ]")))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("data.documents[0]"));
    assertThatThrownBy(() -> MutationJson.fromJson(json.replace("ADD_DOCUMENTS", "ADD_ROWS")))
        .isInstanceOfSatisfying(
            UnsupportedValueException.class, e -> assertThat(e.field()).isEqualTo("type"));
  }

  @Test
  void identities() {
    Identity a = Identity.parse("db3_user:eth:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "x");
    assertThat(a.toString()).isEqualTo("db3_user:eth:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    assertThat(Identity.parse(a.toString(), "x")).isEqualTo(a);
    assertThat(a.addressBytes()).hasSize(20);
    assertThat(Identity.parse("db3_user:near:" + "ab".repeat(32), "x").addressBytes()).hasSize(32);
    assertThatThrownBy(
            () -> Identity.parse("db3_user:eth:0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "m.f"))
        .isInstanceOfSatisfying(
            BadIdentityException.class,
            e -> {
              assertThat(e.field()).isEqualTo("m.f");
              assertThat(e.getMessage()).contains("EIP-55");
            });
    assertThatThrownBy(() -> Identity.parse("db3_external:near:" + "ab".repeat(32), "f"))
        .hasMessageContaining("not allowed for db3_external");
  }

  @Test
  void indexSpecRules() {
    assertThatThrownBy(
            () ->
                new IndexSpec("v", IndexSpec.Kind.VECTOR_INDEX, List.of("e"), 0, "l2")
                    .validate("i"))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("i.dimension"));
    assertThatThrownBy(
            () -> new IndexSpec("g", IndexSpec.Kind.GRAPH_INDEX, List.of("a"), 0, "").validate("i"))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("i.fields"));
    assertThatThrownBy(() -> IndexSpec.ordered("o", "a..b").validate("i"))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("i.fields[0]"));
  }

  @Test
  void nonCanonicalBsonIsRefused() {
    byte[] doc = BsonDocuments.fromJson("{\"a\": 1}", "d");
    byte[] longer = Arrays.copyOf(doc, doc.length + 1);
    longer[0]++;
    assertThatThrownBy(() -> BsonDocuments.decode(longer, "data.documents[0]"))
        .isInstanceOfSatisfying(
            FormatException.class, e -> assertThat(e.field()).isEqualTo("data.documents[0]"));
  }

  @Test
  void fastRecoveryEqualsWeb3jRecovery() throws Exception {
    for (int i = 0; i < 200; i++) {
      ECKeyPair key = ECKeyPair.create(new BigInteger(250, fx.random()).add(BigInteger.ONE));
      byte[] root = new byte[32];
      fx.random().nextBytes(root);
      byte[] sig = EthPersonalSign.sign(key, root);
      byte[] pub = EthPersonalSign.recover(EthPersonalSign.personalDigest(root), sig);
      BigInteger web3j =
          Sign.signedPrefixedMessageToKey(
              root,
              new Sign.SignatureData(
                  sig[64], Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64)));
      assertThat(new BigInteger(1, pub)).isEqualTo(web3j).isEqualTo(key.getPublicKey());
    }
  }

  /** UINT256 as 32 big-endian bytes. */
  static final class BigIntegerBytes {
    static byte[] of(BigInteger v) {
      byte[] out = new byte[32];
      byte[] b = v.toByteArray();
      int n = Math.min(32, b.length);
      System.arraycopy(b, b.length - n, out, 32 - n, n);
      return out;
    }
  }
}
