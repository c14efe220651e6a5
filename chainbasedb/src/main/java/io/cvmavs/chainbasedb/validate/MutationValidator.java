package io.cvmavs.chainbasedb.validate;

import io.cvmavs.chainbasedb.format.BadIdentityException;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.FormatException;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.IndexValues;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.format.UnsupportedValueException;
import io.cvmavs.chainbasedb.signature.SignatureException;
import io.cvmavs.chainbasedb.signature.SignatureScheme;
import java.util.List;
import org.bson.BsonDocument;

/**
 * The DB3 state transition with its checks (docs/DB3-FORMAT.md §8). Two halves:
 *
 * <ol>
 *   <li>{@link #checkStateless}: encoding, version, chain id, payment chain, type, every payload
 *       field, identities, signature — pure, thread-safe, run in parallel over a block;
 *   <li>{@link #apply}: nonce (exactly the previous + 1: no replay, no gap) and permissions, then
 *       the writes, item by item on a {@link StateWriter} so a group's later items see its earlier
 *       ones. The caller runs it on a scratch layer and drops the layer on a {@link Refusal}:
 *       nothing of a refused mutation is applied and its nonce is not used.
 * </ol>
 *
 * Permissions: anyone creates a database (and owns it); only the owner adds members and creates
 * collections; the owner and members add documents; only a document's owner (who added it) updates
 * or deletes it. Not built, refused with NOT_SUPPORTED: Balance mutations (DEPOSIT, WITHDRAWAL),
 * {@code permission_list} (needs ERC-721 reads on Ethereum), vector indexes of more than {@link
 * #MAX_VECTOR_DIMENSION} dimensions, writes to an external database.
 */
public final class MutationValidator {
  /**
   * Largest {@code vector_index} dimension built here: Lucene's HNSW format limit (the format
   * allows 4096).
   */
  public static final int MAX_VECTOR_DIMENSION = 1024;

  private final long chainId;

  /**
   * @param chainId the CVM chain network id that mutations must carry in {@code chain_id}
   */
  public MutationValidator(long chainId) {
    this.chainId = chainId;
  }

  public long chainId() {
    return chainId;
  }

  /** The stateless half of CheckTx. */
  public CheckedMutation checkStateless(byte[] encoded) {
    Mutation m;
    Payload payload;
    try {
      m = Mutation.decode(encoded);
      if (m.chainId() != chainId) {
        throw new Refusal(
            RefusalCode.WRONG_CHAIN_ID,
            "chain_id",
            "mutation is for chain "
                + Long.toUnsignedString(m.chainId())
                + ", this chain is "
                + Long.toUnsignedString(chainId));
      }
      payload = m.payload();
    } catch (BadIdentityException e) {
      throw new Refusal(RefusalCode.BAD_IDENTITY, e.field(), messageOf(e));
    } catch (UnsupportedValueException e) {
      throw new Refusal(codeFor(e.field()), e.field(), messageOf(e));
    } catch (FormatException e) {
      throw new Refusal(RefusalCode.MALFORMED, e.field(), messageOf(e));
    }
    byte[] root = m.signingRoot();
    Identity sender;
    try {
      sender =
          SignatureScheme.forChain(m.paymentChain()).verify(root, m.signature(), m.publicKey());
    } catch (SignatureException e) {
      throw new Refusal(
          e.field().equals("sender_public_key")
              ? RefusalCode.BAD_PUBLIC_KEY
              : RefusalCode.BAD_SIGNATURE,
          e.field(),
          messageOf(e));
    }
    return new CheckedMutation(m, root, sender, payload);
  }

  /**
   * The refusal CheckTx gives for a format error (e.g. one found while reading a mutation's JSON
   * form): the same code and field as for the binary form.
   */
  public static Refusal refusalOf(FormatException e) {
    if (e instanceof BadIdentityException) {
      return new Refusal(RefusalCode.BAD_IDENTITY, e.field(), messageOf(e));
    }
    if (e instanceof UnsupportedValueException) {
      return new Refusal(codeFor(e.field()), e.field(), messageOf(e));
    }
    return new Refusal(RefusalCode.MALFORMED, e.field(), messageOf(e));
  }

  private static String messageOf(RuntimeException e) {
    String msg = e.getMessage();
    int i = msg.indexOf(": ");
    return i < 0 ? msg : msg.substring(i + 2);
  }

  private static RefusalCode codeFor(String field) {
    return switch (field) {
      case "version" -> RefusalCode.UNSUPPORTED_VERSION;
      case "sender_payment_chain_id" -> RefusalCode.UNKNOWN_PAYMENT_CHAIN;
      case "type" -> RefusalCode.UNKNOWN_MUTATION_TYPE;
      default ->
          field.endsWith(".type") ? RefusalCode.UNKNOWN_MUTATION_TYPE : RefusalCode.MALFORMED;
    };
  }

  /** Checks nonce and permissions and writes the mutation's effects into {@code state}. */
  public void apply(CheckedMutation cm, StateWriter state) {
    long expected = state.nonce(cm.sender()) + 1;
    long nonce = cm.mutation().nonce();
    if (Long.compareUnsigned(nonce, expected) < 0) {
      throw new Refusal(
          RefusalCode.NONCE_REPLAYED,
          "nonce",
          "nonce "
              + Long.toUnsignedString(nonce)
              + " of "
              + cm.sender()
              + " is already used (next: "
              + Long.toUnsignedString(expected)
              + ")");
    }
    if (nonce != expected) {
      throw new Refusal(
          RefusalCode.NONCE_GAP,
          "nonce",
          "nonce "
              + Long.toUnsignedString(nonce)
              + " of "
              + cm.sender()
              + " skips ahead (next: "
              + Long.toUnsignedString(expected)
              + ")");
    }
    List<Payload> items = cm.payload().items();
    boolean group = cm.payload() instanceof Payload.Group;
    for (int i = 0; i < items.size(); i++) {
      String f = group ? "data.items[" + i + "].data" : "data";
      applyItem(cm, i, items.get(i), f, state);
    }
    state.putNonce(cm.sender(), nonce);
  }

  private void applyItem(CheckedMutation cm, int item, Payload p, String f, StateWriter st) {
    Identity sender = cm.sender();
    switch (p) {
      case Payload.CreateDatabase c -> {
        if (!c.permissionList().isEmpty()) {
          throw new Refusal(
              RefusalCode.NOT_SUPPORTED,
              f + ".permission_list",
              "NFT permissions need ERC-721 ownership reads on Ethereum, which this node does not make yet");
        }
        Identity addr = DerivedIds.database(sender, cm.mutation().nonce(), item);
        if (st.database(addr).isPresent()) {
          throw new Refusal(RefusalCode.ALREADY_EXISTS, f, "database " + addr + " exists");
        }
        st.putDatabase(
            new StateModel.Database(addr, sender, c.name(), c.description(), null, null));
        for (Identity m : c.members()) {
          st.putMember(addr, m);
        }
      }
      case Payload.CreateExternal c -> {
        Identity addr = DerivedIds.database(sender, cm.mutation().nonce(), item);
        if (st.database(addr).isPresent()) {
          throw new Refusal(RefusalCode.ALREADY_EXISTS, f, "database " + addr + " exists");
        }
        checkAbi(c.abiJson(), f + ".abi");
        st.putDatabase(
            new StateModel.Database(addr, sender, c.name(), "", c.contract(), c.abiJson()));
      }
      case Payload.CreateCollection c -> {
        StateModel.Database db = ownedDatabase(st, c.db(), sender, f);
        if (db.external()) {
          throw new Refusal(
              RefusalCode.NOT_SUPPORTED,
              f + ".db",
              "collections of an external database are fed by manuscripts, which are not wired yet");
        }
        if (st.collection(c.db(), c.name()).isPresent()) {
          throw new Refusal(
              RefusalCode.ALREADY_EXISTS,
              f + ".name",
              "collection '" + c.name() + "' exists in " + c.db());
        }
        for (int i = 0; i < c.indexes().size(); i++) {
          IndexSpec s = c.indexes().get(i);
          if (s.kind() == IndexSpec.Kind.VECTOR_INDEX && s.dimension() > MAX_VECTOR_DIMENSION) {
            throw new Refusal(
                RefusalCode.NOT_SUPPORTED,
                f + ".indexes[" + i + "].dimension",
                "the format allows up to 4096 but this ChainbaseDB's HNSW (Lucene) builds up to "
                    + MAX_VECTOR_DIMENSION
                    + " dimensions, got "
                    + s.dimension());
          }
        }
        st.putCollection(new StateModel.Collection(c.db(), c.name(), c.indexes()));
      }
      case Payload.AddDatabaseMember c -> {
        StateModel.Database db = ownedDatabase(st, c.db(), sender, f);
        if (c.member().equals(db.owner()) || st.isMember(c.db(), c.member())) {
          throw new Refusal(
              RefusalCode.ALREADY_EXISTS,
              f + ".member",
              c.member() + " already writes to " + c.db());
        }
        st.putMember(c.db(), c.member());
      }
      case Payload.AddDocuments c -> {
        StateModel.Collection coll = writableCollection(st, c.db(), c.collection(), sender, f);
        for (int i = 0; i < c.documents().size(); i++) {
          byte[] bson = c.documents().get(i);
          checkIndexable(coll, bson, f + ".documents[" + i + "]");
          byte[] id = DerivedIds.document(cm.signingRoot(), item, i);
          st.putDocument(coll, id, new StateModel.Document(sender, bson));
        }
      }
      case Payload.DeleteDocuments c -> {
        StateModel.Collection coll = existingCollection(st, c.db(), c.collection(), f);
        for (int i = 0; i < c.ids().size(); i++) {
          ownedDocument(st, coll, c.ids().get(i), sender, f + ".ids[" + i + "]");
          st.deleteDocument(coll, c.ids().get(i));
        }
      }
      case Payload.UpdateDocuments c -> {
        StateModel.Collection coll = existingCollection(st, c.db(), c.collection(), f);
        for (int i = 0; i < c.updates().size(); i++) {
          Payload.Update u = c.updates().get(i);
          String uf = f + ".updates[" + i + "]";
          ownedDocument(st, coll, u.id(), sender, uf + ".id");
          checkIndexable(coll, u.document(), uf + ".document");
          st.putDocument(coll, u.id(), new StateModel.Document(sender, u.document()));
        }
      }
      case Payload.Deposit d ->
          throw new Refusal(
              RefusalCode.NOT_SUPPORTED, f, "Balance mutations need the $C bridge, not wired yet");
      case Payload.Withdrawal w ->
          throw new Refusal(
              RefusalCode.NOT_SUPPORTED, f, "Balance mutations need the $C bridge, not wired yet");
      case Payload.Group g -> throw new Refusal(RefusalCode.MALFORMED, f, "nested group");
    }
  }

  private static StateModel.Database database(StateView st, Identity db, String f) {
    return st.database(db)
        .orElseThrow(
            () -> new Refusal(RefusalCode.NO_SUCH_DATABASE, f + ".db", "no database " + db));
  }

  private static StateModel.Database ownedDatabase(
      StateView st, Identity db, Identity sender, String f) {
    StateModel.Database d = database(st, db, f);
    if (!d.owner().equals(sender)) {
      throw new Refusal(
          RefusalCode.NOT_DATABASE_OWNER,
          f + ".db",
          sender + " is not the owner of " + db + " (owner: " + d.owner() + ")");
    }
    return d;
  }

  private static StateModel.Collection existingCollection(
      StateView st, Identity db, String name, String f) {
    StateModel.Database d = database(st, db, f);
    if (d.external()) {
      throw new Refusal(
          RefusalCode.NOT_SUPPORTED,
          f + ".db",
          db + " is an external database: its documents come from its contract's events");
    }
    return st.collection(db, name)
        .orElseThrow(
            () ->
                new Refusal(
                    RefusalCode.NO_SUCH_COLLECTION,
                    f + ".collection",
                    "no collection '" + name + "' in " + db));
  }

  private static StateModel.Collection writableCollection(
      StateView st, Identity db, String name, Identity sender, String f) {
    StateModel.Collection c = existingCollection(st, db, name, f);
    StateModel.Database d = database(st, db, f);
    if (!d.owner().equals(sender) && !st.isMember(db, sender)) {
      throw new Refusal(
          RefusalCode.NOT_DATABASE_MEMBER,
          f + ".db",
          sender + " is neither the owner nor a member of " + db);
    }
    return c;
  }

  private static void ownedDocument(
      StateView st, StateModel.Collection c, byte[] id, Identity sender, String f) {
    StateModel.Document doc =
        st.document(c.db(), c.name(), id)
            .orElseThrow(
                () ->
                    new Refusal(
                        RefusalCode.NO_SUCH_DOCUMENT,
                        f,
                        "no document "
                            + java.util.HexFormat.of().formatHex(id)
                            + " in '"
                            + c.name()
                            + "'"));
    if (!doc.owner().equals(sender)) {
      throw new Refusal(
          RefusalCode.NOT_DOCUMENT_OWNER,
          f,
          "only the document's owner " + doc.owner() + " may change it, not " + sender);
    }
  }

  private static void checkIndexable(StateModel.Collection c, byte[] bson, String f) {
    BsonDocument doc = BsonDocuments.decodeTrusted(bson);
    try {
      IndexValues.check(c.indexes(), doc, f);
    } catch (FormatException e) {
      throw new Refusal(RefusalCode.BAD_DOCUMENT, e.field(), messageOf(e));
    }
  }

  private static void checkAbi(String abi, String f) {
    try {
      com.fasterxml.jackson.databind.JsonNode n =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(abi);
      if (n == null || !n.isArray()) {
        throw new Refusal(RefusalCode.MALFORMED, f, "an ABI is a JSON array");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Refusal(RefusalCode.MALFORMED, f, "the ABI is not JSON: " + e.getOriginalMessage());
    }
  }
}
