package io.cvmavs.chainbasedb.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chainbasedb.Db3Fixtures;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.MutationType;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.format.Plain;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal of CheckTx / FinalizeBlock: the code, the field named, and that nothing of the
 * refused mutation is applied (the state root is unchanged and its nonce is still free).
 */
class RefusalTest {
  private static final long CHAIN = 777;
  @TempDir Path dir;
  private ChainbaseDb db;
  private final Db3Fixtures fx = new Db3Fixtures(1);
  private MutationSigner owner;
  private MutationSigner member;
  private MutationSigner stranger;
  private Identity dbId;
  private byte[] ownerDoc;
  private long ownerNonce;
  private long memberNonce;

  @BeforeEach
  void setUp() {
    db = ChainbaseDb.open(dir.resolve("db"), CHAIN);
    owner = fx.ethSigner();
    member = fx.nearSigner();
    stranger = fx.ethSigner();
    Mutation create =
        owner.sign(
            CHAIN, 1, new Payload.CreateDatabase("app", "", List.of(member.identity()), List.of()));
    dbId = DerivedIds.database(owner.identity(), 1, 0);
    Mutation coll =
        owner.sign(
            CHAIN,
            2,
            new Payload.CreateCollection(
                dbId, "people", List.of(IndexSpec.ordered("by_age", "age"))));
    Mutation add = owner.sign(CHAIN, 3, addDocs("{\"age\": 1}"));
    ownerDoc = DerivedIds.document(add.signingRoot(), 0, 0);
    ownerNonce = 3;
    applyOk(create, coll, add);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private Payload.AddDocuments addDocs(String... json) {
    return new Payload.AddDocuments(
        dbId, "people", Arrays.stream(json).map(j -> BsonDocuments.fromJson(j, "doc")).toList());
  }

  private void applyOk(Mutation... ms) {
    ChainbaseDb.BlockResult r =
        db.apply(db.height() + 1, Arrays.stream(ms).map(Mutation::encode).toList());
    for (ChainbaseDb.TxResult t : r.results()) {
      assertThat(t.refusal()).as("tx %d", t.index()).isEmpty();
    }
  }

  /** Refused by CheckTx and by FinalizeBlock with the same code and field; nothing applied. */
  private Refusal refused(byte[] tx, RefusalCode code, String field) {
    assertThatThrownBy(() -> db.checkSession().check(tx))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> {
              assertThat(r.code()).isEqualTo(code);
              assertThat(r.field()).isEqualTo(field);
            });
    byte[] before = db.stateRoot();
    ChainbaseDb.BlockResult r = db.apply(db.height() + 1, List.of(tx));
    Refusal refusal = r.results().get(0).refusal().orElseThrow();
    assertThat(refusal.code()).isEqualTo(code);
    assertThat(refusal.field()).isEqualTo(field);
    assertThat(r.results().get(0).code()).isEqualTo(code.code());
    assertThat(r.stateRoot()).isEqualTo(before);
    assertThat(db.recomputeStateRoot()).isEqualTo(before);
    return refusal;
  }

  private Refusal refused(Mutation m, RefusalCode code, String field) {
    return refused(m.encode(), code, field);
  }

  // ---------------------------------------------------------------- encoding

  @Test
  void truncatedAndTrailingBytes() {
    byte[] ok = owner.sign(CHAIN, ownerNonce + 1, addDocs("{\"age\": 2}")).encode();
    refused(Arrays.copyOf(ok, ok.length - 3), RefusalCode.MALFORMED, "data");
    byte[] trailing = Arrays.copyOf(ok, ok.length + 1);
    refused(trailing, RefusalCode.MALFORMED, "mutation");
    refused(new byte[] {1, 0, 0}, RefusalCode.MALFORMED, "version");
  }

  @Test
  void wrongFieldTypesInThePayload() {
    // A document that is not BSON.
    byte[] notBson =
        new Plain.Writer()
            .string(dbId.toString())
            .string("people")
            .u32(1)
            .bytes(new byte[] {9, 0, 0, 0, 1, 2, 3, 4, 5})
            .toBytes();
    Mutation m = owner.sign(raw(owner, ownerNonce + 1, MutationType.ADD_DOCUMENTS, notBson));
    Refusal r = refused(m, RefusalCode.MALFORMED, "data.documents[0]");
    assertThat(r.detail()).contains("BSON");
    // A name that breaks the naming rule.
    byte[] badName = new Plain.Writer().string("has space").string("").u32(0).u32(0).toBytes();
    refused(
        owner.sign(raw(owner, ownerNonce + 1, MutationType.CREATE_DATABASE, badName)),
        RefusalCode.MALFORMED,
        "data.name");
    // Payload bytes of another type.
    refused(
        owner.sign(
            raw(
                owner,
                ownerNonce + 1,
                MutationType.DELETE_DOCUMENTS,
                addDocs("{\"a\": 1, \"b\": \"long enough to leave trailing bytes\"}").encode())),
        RefusalCode.MALFORMED,
        "data");
  }

  private static Mutation raw(MutationSigner s, long nonce, MutationType type, byte[] data) {
    return new Mutation(Mutation.VERSION, CHAIN, s.chain(), nonce, new byte[0], null, type, data);
  }

  private static byte[] envelope(
      long version, long chain, String payChain, String type, byte[] data) {
    return new Plain.Writer()
        .u32(version)
        .u64(chain)
        .string(payChain)
        .u64(1)
        .bytes(new byte[65])
        .bool(false)
        .string(type)
        .bytes(data)
        .toBytes();
  }

  @Test
  void unsupportedVersionUnknownChainAndType() {
    byte[] data = new Payload.CreateDatabase("x", "", List.of(), List.of()).encode();
    refused(
        envelope(2, CHAIN, "eth", "CREATE_DATABASE", data),
        RefusalCode.UNSUPPORTED_VERSION,
        "version");
    refused(
        envelope(1, CHAIN, "btc", "CREATE_DATABASE", data),
        RefusalCode.UNKNOWN_PAYMENT_CHAIN,
        "sender_payment_chain_id");
    refused(
        envelope(1, CHAIN, "eth", "DROP_TABLE", data), RefusalCode.UNKNOWN_MUTATION_TYPE, "type");
    byte[] groupWithBadType = new Plain.Writer().u32(1).string("DROP_TABLE").bytes(data).toBytes();
    refused(
        envelope(1, CHAIN, "eth", "GROUP", groupWithBadType),
        RefusalCode.UNKNOWN_MUTATION_TYPE,
        "data.items[0].type");
  }

  @Test
  void wrongChainId() {
    Mutation m = owner.sign(1, ownerNonce + 1, addDocs("{\"age\": 2}"));
    refused(m, RefusalCode.WRONG_CHAIN_ID, "chain_id");
  }

  // ---------------------------------------------------------------- signature and key

  @Test
  void badSignatures() {
    Mutation m = owner.sign(CHAIN, ownerNonce + 1, addDocs("{\"age\": 2}"));
    byte[] sig = m.signature();
    byte[] v29 = sig.clone();
    v29[64] = 29;
    refused(m.withSignature(v29, null), RefusalCode.BAD_SIGNATURE, "sender_signature");
    refused(
        m.withSignature(Arrays.copyOf(sig, 64), null),
        RefusalCode.BAD_SIGNATURE,
        "sender_signature");
    // High s (the malleable twin of a valid signature): refused by EIP-2.
    java.math.BigInteger n =
        new java.math.BigInteger(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    java.math.BigInteger s = new java.math.BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    byte[] high = sig.clone();
    byte[] hs = n.subtract(s).toByteArray();
    System.arraycopy(hs, hs.length - 32, high, 32, 32);
    high[64] = (byte) (sig[64] == 27 ? 28 : 27);
    refused(m.withSignature(high, null), RefusalCode.BAD_SIGNATURE, "sender_signature");
    // near: a flipped bit does not verify.
    Mutation nm = member.sign(CHAIN, 1, addDocs("{\"age\": 2}"));
    byte[] ns = nm.signature();
    ns[10] ^= 1;
    refused(nm.withSignature(ns, nm.publicKey()), RefusalCode.BAD_SIGNATURE, "sender_signature");
    // A signature over other data: near names the signature; eth recovers a different sender,
    // who is neither owner nor member.
    Mutation other = member.sign(CHAIN, 1, addDocs("{\"age\": 3}"));
    refused(
        new Mutation(
            1, CHAIN, "near", 1, other.signature(), other.publicKey(), nm.type(), nm.data()),
        RefusalCode.BAD_SIGNATURE,
        "sender_signature");
    Mutation first = owner.sign(CHAIN, 1, addDocs("{\"age\": 2}"));
    Mutation otherEth = owner.sign(CHAIN, 1, addDocs("{\"age\": 3}"));
    Refusal r =
        refused(
            new Mutation(
                1, CHAIN, "eth", 1, otherEth.signature(), null, first.type(), first.data()),
            RefusalCode.NOT_DATABASE_MEMBER,
            "data.db");
    assertThat(r.detail()).doesNotContain(owner.identity().address());
  }

  @Test
  void badPublicKeys() {
    Mutation m = owner.sign(CHAIN, ownerNonce + 1, addDocs("{\"age\": 2}"));
    refused(
        m.withSignature(m.signature(), new byte[64]),
        RefusalCode.BAD_PUBLIC_KEY,
        "sender_public_key");
    Mutation nm = member.sign(CHAIN, 1, addDocs("{\"age\": 2}"));
    refused(
        nm.withSignature(nm.signature(), null), RefusalCode.BAD_PUBLIC_KEY, "sender_public_key");
    refused(
        nm.withSignature(nm.signature(), new byte[31]),
        RefusalCode.BAD_PUBLIC_KEY,
        "sender_public_key");
  }

  // ---------------------------------------------------------------- identity

  @Test
  void badIdentityStrings() {
    for (String bad :
        List.of(
            "db3_user:btc:0x0000000000000000000000000000000000000001",
            "db3_user:eth:0x00",
            "db3_usr:eth:0x0000000000000000000000000000000000000001",
            "db3_user:eth:0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "db3_db:cvm:0x0000000000000000000000000000000000000001",
            "db3_user:near:ABCD",
            "db3_user:eth")) {
      byte[] data = new Plain.Writer().string("x").string("").u32(1).string(bad).u32(0).toBytes();
      Refusal r =
          refused(
              owner.sign(raw(owner, ownerNonce + 1, MutationType.CREATE_DATABASE, data)),
              RefusalCode.BAD_IDENTITY,
              "data.members[0]");
      assertThat(r.detail()).as(bad).contains("identity").containsAnyOf(bad, "db3_db");
    }
    byte[] member =
        new Plain.Writer()
            .string(dbId.toString())
            .string("db3_user:eth:0xzz00000000000000000000000000000000000001")
            .toBytes();
    refused(
        owner.sign(raw(owner, ownerNonce + 1, MutationType.ADD_DATABASE_MEMBER, member)),
        RefusalCode.BAD_IDENTITY,
        "data.member");
  }

  // ---------------------------------------------------------------- nonce

  @Test
  void replayAndGap() {
    Mutation m = owner.sign(CHAIN, ownerNonce + 1, addDocs("{\"age\": 2}"));
    applyOk(m);
    refused(m, RefusalCode.NONCE_REPLAYED, "nonce");
    refused(
        owner.sign(CHAIN, ownerNonce + 3, addDocs("{\"age\": 2}")), RefusalCode.NONCE_GAP, "nonce");
    refused(owner.sign(CHAIN, 0, addDocs("{\"age\": 2}")), RefusalCode.NONCE_REPLAYED, "nonce");
    // A refused mutation does not use its nonce.
    applyOk(owner.sign(CHAIN, ownerNonce + 2, addDocs("{\"age\": 9}")));
  }

  @Test
  void checkSessionSeesTheMempoolsEarlierMutations() {
    ChainbaseDb.CheckSession s = db.checkSession();
    s.check(owner.sign(CHAIN, ownerNonce + 1, addDocs("{\"age\": 2}")).encode());
    s.check(owner.sign(CHAIN, ownerNonce + 2, addDocs("{\"age\": 2}")).encode());
    assertThatThrownBy(
            () -> s.check(owner.sign(CHAIN, ownerNonce + 2, addDocs("{\"age\": 5}")).encode()))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(RefusalCode.NONCE_REPLAYED));
  }

  // ---------------------------------------------------------------- existence and permissions

  @Test
  void missingDatabaseCollectionDocument() {
    Identity nowhere = DerivedIds.database(stranger.identity(), 99, 0);
    refused(
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.AddDocuments(
                nowhere, "people", List.of(BsonDocuments.fromJson("{}", "d")))),
        RefusalCode.NO_SUCH_DATABASE,
        "data.db");
    refused(
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.AddDocuments(dbId, "ghosts", List.of(BsonDocuments.fromJson("{}", "d")))),
        RefusalCode.NO_SUCH_COLLECTION,
        "data.collection");
    refused(
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.DeleteDocuments(dbId, "people", List.of(ownerDoc, new byte[16]))),
        RefusalCode.NO_SUCH_DOCUMENT,
        "data.ids[1]");
  }

  @Test
  void onlyTheOwnerChangesTheDatabase() {
    refused(
        stranger.sign(CHAIN, 1, new Payload.CreateCollection(dbId, "mine", List.of())),
        RefusalCode.NOT_DATABASE_OWNER,
        "data.db");
    refused(
        member.sign(CHAIN, 1, new Payload.AddDatabaseMember(dbId, stranger.identity())),
        RefusalCode.NOT_DATABASE_OWNER,
        "data.db");
    refused(
        stranger.sign(CHAIN, 1, addDocs("{\"age\": 5}")),
        RefusalCode.NOT_DATABASE_MEMBER,
        "data.db");
    // A member may add documents.
    applyOk(member.sign(CHAIN, 1, addDocs("{\"age\": 5}")));
  }

  @Test
  void onlyTheDocumentOwnerUpdatesOrDeletes() {
    refused(
        member.sign(CHAIN, 1, new Payload.DeleteDocuments(dbId, "people", List.of(ownerDoc))),
        RefusalCode.NOT_DOCUMENT_OWNER,
        "data.ids[0]");
    refused(
        member.sign(
            CHAIN,
            1,
            new Payload.UpdateDocuments(
                dbId,
                "people",
                List.of(
                    new Payload.Update(ownerDoc, BsonDocuments.fromJson("{\"age\": 7}", "d"))))),
        RefusalCode.NOT_DOCUMENT_OWNER,
        "data.updates[0].id");
    applyOk(
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.UpdateDocuments(
                dbId,
                "people",
                List.of(
                    new Payload.Update(ownerDoc, BsonDocuments.fromJson("{\"age\": 7}", "d"))))));
    assertThat(BsonDocuments.toJson(db.document(dbId, "people", ownerDoc).orElseThrow().bson()))
        .contains("\"7\"");
    applyOk(
        owner.sign(
            CHAIN, ownerNonce + 2, new Payload.DeleteDocuments(dbId, "people", List.of(ownerDoc))));
    assertThat(db.document(dbId, "people", ownerDoc)).isEmpty();
  }

  @Test
  void alreadyExists() {
    refused(
        owner.sign(CHAIN, ownerNonce + 1, new Payload.CreateCollection(dbId, "people", List.of())),
        RefusalCode.ALREADY_EXISTS,
        "data.name");
    refused(
        owner.sign(CHAIN, ownerNonce + 1, new Payload.AddDatabaseMember(dbId, member.identity())),
        RefusalCode.ALREADY_EXISTS,
        "data.member");
  }

  @Test
  void indexedFieldWithANonScalarValue() {
    Refusal r =
        refused(
            owner.sign(CHAIN, ownerNonce + 1, addDocs("{\"age\": 1}", "{\"age\": [1, 2]}")),
            RefusalCode.BAD_DOCUMENT,
            "data.documents[1].age");
    assertThat(r.detail()).contains("by_age").contains("ARRAY");
  }

  @Test
  void notSupportedParts() {
    refused(
        owner.sign(CHAIN, ownerNonce + 1, new Payload.Deposit(new byte[32], new byte[32])),
        RefusalCode.NOT_SUPPORTED,
        "data");
    refused(
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.CreateCollection(
                dbId,
                "vectors",
                List.of(
                    new IndexSpec(
                        "emb",
                        IndexSpec.Kind.VECTOR_INDEX,
                        List.of("v"),
                        MutationValidator.MAX_VECTOR_DIMENSION + 1,
                        "cosine")))),
        RefusalCode.NOT_SUPPORTED,
        "data.indexes[0].dimension");
    refused(
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.CreateDatabase(
                "nft",
                "",
                List.of(),
                List.of(
                    Identity.parse(
                        "db3_permission:eth:0x0000000000000000000000000000000000000abc", "p")))),
        RefusalCode.NOT_SUPPORTED,
        "data.permission_list");
  }

  @Test
  void aGroupIsAllOrNothing() {
    Mutation g =
        owner.sign(
            CHAIN,
            ownerNonce + 1,
            new Payload.Group(
                List.of(
                    addDocs("{\"age\": 40}"),
                    new Payload.AddDocuments(
                        dbId, "ghosts", List.of(BsonDocuments.fromJson("{}", "d"))))));
    refused(g, RefusalCode.NO_SUCH_COLLECTION, "data.items[1].data.collection");
    assertThat(db.document(dbId, "people", DerivedIds.document(g.signingRoot(), 0, 0))).isEmpty();
    assertThat(db.range(dbId, "people", "by_age", null, null, 100)).hasSize(1);
  }

  @Test
  void vectorAndGraphFieldsAreChecked() {
    applyOk(
        owner.sign(
            CHAIN,
            ++ownerNonce,
            new Payload.CreateCollection(
                dbId,
                "things",
                List.of(
                    new IndexSpec("emb", IndexSpec.Kind.VECTOR_INDEX, List.of("v"), 3, "cosine"),
                    new IndexSpec(
                        "links", IndexSpec.Kind.GRAPH_INDEX, List.of("from", "to"), 0, "")))));
    record Bad(String json, String field, String detail) {}
    List<Bad> bad =
        List.of(
            new Bad("{\"v\": \"abc\"}", "data.documents[0].v", "STRING"),
            new Bad("{\"v\": [1, 2]}", "data.documents[0].v", "dimension 3"),
            new Bad("{\"v\": [1, \"x\", 2]}", "data.documents[0].v[1]", "numbers only"),
            new Bad("{\"v\": [0, 0.0, 0]}", "data.documents[0].v", "all zeros"),
            new Bad("{\"v\": [1, 1e300, 0]}", "data.documents[0].v[1]", "finite"),
            new Bad("{\"from\": [1], \"to\": \"b\"}", "data.documents[0].from", "ARRAY"));
    for (Bad b : bad) {
      Refusal r =
          refused(
              owner.sign(
                  CHAIN,
                  ownerNonce + 1,
                  new Payload.AddDocuments(
                      dbId, "things", List.of(BsonDocuments.fromJson(b.json(), "doc")))),
              RefusalCode.BAD_DOCUMENT,
              b.field());
      assertThat(r.detail()).as(b.json()).contains(b.detail());
    }
    // Missing vector or one missing endpoint: accepted, just not indexed.
    applyOk(
        owner.sign(
            CHAIN,
            ++ownerNonce,
            new Payload.AddDocuments(
                dbId,
                "things",
                List.of(
                    BsonDocuments.fromJson("{\"from\": \"a\"}", "d"),
                    BsonDocuments.fromJson("{\"v\": [1, 2, 3], \"from\": 1, \"to\": 2}", "d")))));
  }
}
