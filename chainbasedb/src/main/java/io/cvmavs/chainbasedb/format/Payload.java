package io.cvmavs.chainbasedb.format;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The decoded {@code data} of a mutation, one record per {@link MutationType} (docs/DB3-FORMAT.md
 * §3). {@link #encode()} gives the canonical bytes that are signed; {@link #decode} checks every
 * field and names the one that is wrong.
 */
public sealed interface Payload {
  /** Largest number of documents (or ids) in one DML payload. */
  int MAX_DOCS = 1000;

  /** Largest number of items in a MutationGroup. */
  int MAX_GROUP = 256;

  Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

  MutationType type();

  void write(Plain.Writer w);

  default byte[] encode() {
    Plain.Writer w = new Plain.Writer();
    write(w);
    return w.toBytes();
  }

  /** Decodes {@code data} of the given type; {@code field} prefixes error paths (e.g. "data"). */
  static Payload decode(MutationType type, byte[] data, String field) {
    Plain.Reader r = new Plain.Reader(data);
    Payload p =
        switch (type) {
          case GROUP -> Group.read(r, field);
          case CREATE_DATABASE -> CreateDatabase.read(r, field);
          case CREATE_EXTERNAL -> CreateExternal.read(r, field);
          case CREATE_COLLECTION -> CreateCollection.read(r, field);
          case ADD_DATABASE_MEMBER -> AddDatabaseMember.read(r, field);
          case ADD_DOCUMENTS -> AddDocuments.read(r, field);
          case DELETE_DOCUMENTS -> DeleteDocuments.read(r, field);
          case UPDATE_DOCUMENTS -> UpdateDocuments.read(r, field);
          case DEPOSIT -> Deposit.read(r, field);
          case WITHDRAWAL -> Withdrawal.read(r, field);
        };
    r.end(field);
    return p;
  }

  private static String readName(Plain.Reader r, String field) {
    String s = r.string(field, 256);
    checkName(s, field);
    return s;
  }

  static void checkName(String s, String field) {
    if (!NAME.matcher(s).matches()) {
      throw new FormatException(field, "name '" + s + "' is not [A-Za-z0-9_]{1,64}");
    }
  }

  private static Identity identity(Plain.Reader r, String field, Identity.Kind kind) {
    Identity id = Identity.parse(r.string(field, 256), field);
    if (id.kind() != kind) {
      throw new BadIdentityException(field, "expected a " + kind.prefix() + " identity, got " + id);
    }
    return id;
  }

  private static void writeId(Plain.Writer w, Identity id) {
    w.string(id.toString());
  }

  /** 16-byte document id, FIXED_LEN_BYTE_ARRAY(16). */
  int DOC_ID_LENGTH = 16;

  // ---------------------------------------------------------------- DDL

  /**
   * Creates a database owned by the sender. {@code members} may write documents; {@code
   * permissionList} holds {@code db3_permission:eth:<ERC-721>} identities.
   */
  record CreateDatabase(
      String name, String description, List<Identity> members, List<Identity> permissionList)
      implements Payload {
    public CreateDatabase {
      members = List.copyOf(members);
      permissionList = List.copyOf(permissionList);
    }

    @Override
    public MutationType type() {
      return MutationType.CREATE_DATABASE;
    }

    @Override
    public void write(Plain.Writer w) {
      w.string(name).string(description);
      w.list(members, Payload::writeId).list(permissionList, Payload::writeId);
    }

    static CreateDatabase read(Plain.Reader r, String f) {
      return new CreateDatabase(
          readName(r, f + ".name"),
          r.string(f + ".description", 1024),
          r.list(f + ".members", 256, x -> identity(r, x, Identity.Kind.USER)),
          r.list(f + ".permission_list", 64, x -> identity(r, x, Identity.Kind.PERMISSION)));
    }
  }

  /** Registers an external database: a contract (chain, address) and its ABI (JSON text). */
  record CreateExternal(String name, Identity contract, String abiJson) implements Payload {
    @Override
    public MutationType type() {
      return MutationType.CREATE_EXTERNAL;
    }

    @Override
    public void write(Plain.Writer w) {
      w.string(name);
      writeId(w, contract);
      w.string(abiJson);
    }

    static CreateExternal read(Plain.Reader r, String f) {
      return new CreateExternal(
          readName(r, f + ".name"),
          identity(r, f + ".contract", Identity.Kind.EXTERNAL),
          r.string(f + ".abi", 256 * 1024));
    }
  }

  /** Creates a collection in a database, with its indexes. */
  record CreateCollection(Identity db, String name, List<IndexSpec> indexes) implements Payload {
    public CreateCollection {
      indexes = List.copyOf(indexes);
    }

    @Override
    public MutationType type() {
      return MutationType.CREATE_COLLECTION;
    }

    @Override
    public void write(Plain.Writer w) {
      writeId(w, db);
      w.string(name).list(indexes, (ww, s) -> s.write(ww));
    }

    static CreateCollection read(Plain.Reader r, String f) {
      Identity db = identity(r, f + ".db", Identity.Kind.DB);
      String name = readName(r, f + ".name");
      List<IndexSpec> idx = r.list(f + ".indexes", 16, x -> IndexSpec.read(r, x));
      if (idx.stream().map(IndexSpec::name).distinct().count() != idx.size()) {
        throw new FormatException(f + ".indexes", "two indexes have the same name");
      }
      return new CreateCollection(db, name, idx);
    }
  }

  /** Adds a member (a user who may add documents) to a database. */
  record AddDatabaseMember(Identity db, Identity member) implements Payload {
    @Override
    public MutationType type() {
      return MutationType.ADD_DATABASE_MEMBER;
    }

    @Override
    public void write(Plain.Writer w) {
      writeId(w, db);
      writeId(w, member);
    }

    static AddDatabaseMember read(Plain.Reader r, String f) {
      return new AddDatabaseMember(
          identity(r, f + ".db", Identity.Kind.DB), identity(r, f + ".member", Identity.Kind.USER));
    }
  }

  // ---------------------------------------------------------------- DML

  /** Adds BSON documents; each gets the id {@code DocumentIds.of(root, item, index)}. */
  record AddDocuments(Identity db, String collection, List<byte[]> documents) implements Payload {
    public AddDocuments {
      documents = List.copyOf(documents);
    }

    @Override
    public MutationType type() {
      return MutationType.ADD_DOCUMENTS;
    }

    @Override
    public void write(Plain.Writer w) {
      writeId(w, db);
      w.string(collection).list(documents, Plain.Writer::bytes);
    }

    static AddDocuments read(Plain.Reader r, String f) {
      Identity db = identity(r, f + ".db", Identity.Kind.DB);
      String coll = readName(r, f + ".collection");
      List<byte[]> docs =
          r.list(
              f + ".documents",
              MAX_DOCS,
              x -> {
                byte[] b = r.bytes(x, BsonDocuments.MAX_DOCUMENT);
                BsonDocuments.decode(b, x);
                return b;
              });
      if (docs.isEmpty()) {
        throw new FormatException(f + ".documents", "at least one document");
      }
      return new AddDocuments(db, coll, docs);
    }
  }

  /** Deletes documents by id (only their owner may). */
  record DeleteDocuments(Identity db, String collection, List<byte[]> ids) implements Payload {
    public DeleteDocuments {
      ids = List.copyOf(ids);
    }

    @Override
    public MutationType type() {
      return MutationType.DELETE_DOCUMENTS;
    }

    @Override
    public void write(Plain.Writer w) {
      writeId(w, db);
      w.string(collection).list(ids, (ww, id) -> ww.fixed(id, DOC_ID_LENGTH));
    }

    static DeleteDocuments read(Plain.Reader r, String f) {
      Identity db = identity(r, f + ".db", Identity.Kind.DB);
      String coll = readName(r, f + ".collection");
      List<byte[]> ids = r.list(f + ".ids", MAX_DOCS, x -> r.fixed(x, DOC_ID_LENGTH));
      if (ids.isEmpty()) {
        throw new FormatException(f + ".ids", "at least one id");
      }
      return new DeleteDocuments(db, coll, ids);
    }
  }

  /** One replacement: the document with {@code id} becomes {@code document}. */
  record Update(byte[] id, byte[] document) {}

  /** Replaces documents by id (only their owner may). */
  record UpdateDocuments(Identity db, String collection, List<Update> updates) implements Payload {
    public UpdateDocuments {
      updates = List.copyOf(updates);
    }

    @Override
    public MutationType type() {
      return MutationType.UPDATE_DOCUMENTS;
    }

    @Override
    public void write(Plain.Writer w) {
      writeId(w, db);
      w.string(collection)
          .list(updates, (ww, u) -> ww.fixed(u.id(), DOC_ID_LENGTH).bytes(u.document()));
    }

    static UpdateDocuments read(Plain.Reader r, String f) {
      Identity db = identity(r, f + ".db", Identity.Kind.DB);
      String coll = readName(r, f + ".collection");
      List<Update> ups =
          r.list(
              f + ".updates",
              MAX_DOCS,
              x -> {
                byte[] id = r.fixed(x + ".id", DOC_ID_LENGTH);
                byte[] doc = r.bytes(x + ".document", BsonDocuments.MAX_DOCUMENT);
                BsonDocuments.decode(doc, x + ".document");
                return new Update(id, doc);
              });
      if (ups.isEmpty()) {
        throw new FormatException(f + ".updates", "at least one update");
      }
      return new UpdateDocuments(db, coll, ups);
    }
  }

  // ---------------------------------------------------------------- Balance

  /**
   * Credits bridged {@code $C}: {@code amount} (UINT256, wei) locked on Ethereum by the bridge
   * transaction {@code bridgeTx}.
   */
  record Deposit(byte[] amount, byte[] bridgeTx) implements Payload {
    @Override
    public MutationType type() {
      return MutationType.DEPOSIT;
    }

    @Override
    public void write(Plain.Writer w) {
      w.fixed(amount, 32).fixed(bridgeTx, 32);
    }

    static Deposit read(Plain.Reader r, String f) {
      return new Deposit(r.fixed(f + ".amount", 32), r.fixed(f + ".bridge_tx", 32));
    }
  }

  /** Withdraws {@code amount} (UINT256, wei) of {@code $C} to an Ethereum account. */
  record Withdrawal(byte[] amount, Identity to) implements Payload {
    @Override
    public MutationType type() {
      return MutationType.WITHDRAWAL;
    }

    @Override
    public void write(Plain.Writer w) {
      w.fixed(amount, 32);
      writeId(w, to);
    }

    static Withdrawal read(Plain.Reader r, String f) {
      byte[] amount = r.fixed(f + ".amount", 32);
      Identity to = identity(r, f + ".to", Identity.Kind.USER);
      if (!to.chain().equals("eth")) {
        throw new BadIdentityException(f + ".to", "withdrawals go to an eth account, got " + to);
      }
      return new Withdrawal(amount, to);
    }
  }

  // ---------------------------------------------------------------- Group

  /**
   * A MutationGroup: 1..256 payloads of any non-group type, signed once, applied in order and all
   * or nothing. Each item is (type ENUM, data BYTE_ARRAY) with the item's own canonical data.
   */
  record Group(List<Payload> items) implements Payload {
    public Group {
      items = List.copyOf(items);
      for (Payload p : items) {
        if (p instanceof Group) {
          throw new IllegalArgumentException("a MutationGroup cannot contain a group");
        }
      }
    }

    @Override
    public MutationType type() {
      return MutationType.GROUP;
    }

    @Override
    public void write(Plain.Writer w) {
      w.list(items, (ww, p) -> ww.string(p.type().name()).bytes(p.encode()));
    }

    static Group read(Plain.Reader r, String f) {
      List<Payload> items =
          r.list(
              f + ".items",
              MAX_GROUP,
              x -> {
                MutationType t = MutationType.parse(r.string(x + ".type", 64), x + ".type");
                if (t == MutationType.GROUP) {
                  throw new FormatException(x + ".type", "a MutationGroup cannot contain a group");
                }
                return decode(t, r.bytes(x + ".data", 64 << 20), x + ".data");
              });
      if (items.isEmpty()) {
        throw new FormatException(f + ".items", "a MutationGroup has at least one item");
      }
      return new Group(items);
    }
  }

  /** The payloads to apply in order: a group's items, or the payload itself. */
  default List<Payload> items() {
    return this instanceof Group g ? g.items() : List.of(this);
  }
}
