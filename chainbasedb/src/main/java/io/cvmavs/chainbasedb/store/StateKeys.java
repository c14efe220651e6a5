package io.cvmavs.chainbasedb.store;

import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Plain;
import io.cvmavs.chainbasedb.validate.StateModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Key layout and record encodings in RocksDB (docs/DB3-FORMAT.md §9.1). One key space, split by the
 * first byte: {@code s} state (in the state root), {@code i} ordered-index entries and graph edges
 * forwards, {@code g} graph edges backwards (both derived from the state, not in the root), {@code
 * l} root leaves, {@code b} bucket hashes, {@code m} metadata.
 */
final class StateKeys {
  static final byte STATE = 's';
  static final byte INDEX = 'i';
  static final byte REVERSE_EDGE = 'g';
  static final byte LEAF = 'l';
  static final byte BUCKET = 'b';
  static final byte META = 'm';

  private StateKeys() {}

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] nonce(Identity sender) {
    return new Plain.Writer().raw(new byte[] {STATE, 'N'}).raw(utf8(sender.toString())).toBytes();
  }

  static byte[] database(Identity db) {
    return new Plain.Writer().raw(new byte[] {STATE, 'D'}).raw(utf8(db.toString())).toBytes();
  }

  static byte[] member(Identity db, Identity user) {
    return new Plain.Writer()
        .raw(new byte[] {STATE, 'M'})
        .string(db.toString())
        .raw(utf8(user.toString()))
        .toBytes();
  }

  static byte[] collection(Identity db, String name) {
    return new Plain.Writer()
        .raw(new byte[] {STATE, 'C'})
        .string(db.toString())
        .raw(utf8(name))
        .toBytes();
  }

  static byte[] documentPrefix(Identity db, String collection) {
    return new Plain.Writer()
        .raw(new byte[] {STATE, 'd'})
        .string(db.toString())
        .string(collection)
        .toBytes();
  }

  static byte[] document(Identity db, String collection, byte[] id) {
    return new Plain.Writer().raw(documentPrefix(db, collection)).raw(id).toBytes();
  }

  static byte[] indexPrefix(Identity db, String collection, String index) {
    return new Plain.Writer()
        .raw(new byte[] {INDEX})
        .string(db.toString())
        .string(collection)
        .string(index)
        .toBytes();
  }

  /**
   * A graph edge entry: {@code space} ({@link #INDEX} forwards, {@link #REVERSE_EDGE} backwards) ‖
   * STRING(db) ‖ STRING(collection) ‖ STRING(index) ‖ node ‖ other node ‖ DOC_ID, nodes in the
   * ordered-value encoding (self-delimiting).
   */
  static byte[] edge(
      byte space,
      Identity db,
      String collection,
      String index,
      byte[] node,
      byte[] other,
      byte[] id) {
    return new Plain.Writer()
        .raw(edgePrefix(space, db, collection, index, node))
        .raw(other)
        .raw(id)
        .toBytes();
  }

  /** The prefix of the edges of {@code node} (encoded) in one direction. */
  static byte[] edgePrefix(byte space, Identity db, String collection, String index, byte[] node) {
    return new Plain.Writer()
        .raw(new byte[] {space})
        .string(db.toString())
        .string(collection)
        .string(index)
        .raw(node)
        .toBytes();
  }

  /** A document key parsed back. */
  record DocumentKey(Identity db, String collection, byte[] id) {}

  /** Parses a document key ({@code sd} ‖ STRING(db) ‖ STRING(collection) ‖ DOC_ID). */
  static DocumentKey parseDocument(byte[] key) {
    Plain.Reader r = new Plain.Reader(key);
    r.fixed("prefix", 2);
    Identity db = Identity.parse(r.string("db", 1 << 20), "db");
    String collection = r.string("collection", 1 << 20);
    return new DocumentKey(db, collection, r.fixed("id", 16));
  }

  static boolean isDocument(byte[] key) {
    return key.length > 2 && key[0] == STATE && key[1] == 'd';
  }

  static boolean isCollection(byte[] key) {
    return key.length > 2 && key[0] == STATE && key[1] == 'C';
  }

  static byte[] collectionPrefix() {
    return new byte[] {STATE, 'C'};
  }

  /** Parses a collection key ({@code sC} ‖ STRING(db) ‖ name) into (db, name). */
  static Map.Entry<Identity, String> parseCollection(byte[] key) {
    Plain.Reader r = new Plain.Reader(key);
    r.fixed("prefix", 2);
    Identity db = Identity.parse(r.string("db", 1 << 20), "db");
    String name = new String(r.fixed("name", r.remaining()), StandardCharsets.UTF_8);
    return Map.entry(db, name);
  }

  static byte[] meta(String name) {
    return new Plain.Writer().raw(new byte[] {META}).raw(utf8(name)).toBytes();
  }

  // ------------------------------------------------------------ records

  static byte[] encodeDatabase(StateModel.Database d) {
    Plain.Writer w = new Plain.Writer();
    w.string(d.owner().toString()).string(d.name()).string(d.description());
    w.bool(d.contract() != null);
    if (d.contract() != null) {
      w.string(d.contract().toString()).string(d.abi());
    }
    return w.toBytes();
  }

  static StateModel.Database decodeDatabase(Identity address, byte[] v) {
    Plain.Reader r = new Plain.Reader(v);
    Identity owner = Identity.parse(r.string("owner", 1 << 20), "owner");
    String name = r.string("name", 1 << 20);
    String desc = r.string("description", 1 << 20);
    Identity contract = null;
    String abi = null;
    if (r.bool("contract")) {
      contract = Identity.parse(r.string("contract", 1 << 20), "contract");
      abi = r.string("abi", 1 << 24);
    }
    return new StateModel.Database(address, owner, name, desc, contract, abi);
  }

  static byte[] encodeCollection(StateModel.Collection c) {
    return new Plain.Writer().list(c.indexes(), (w, s) -> s.write(w)).toBytes();
  }

  static StateModel.Collection decodeCollection(Identity db, String name, byte[] v) {
    Plain.Reader r = new Plain.Reader(v);
    List<IndexSpec> idx = new ArrayList<>(r.list("indexes", 64, f -> IndexSpec.read(r, f)));
    return new StateModel.Collection(db, name, idx);
  }

  static byte[] encodeDocument(StateModel.Document d) {
    return new Plain.Writer().string(d.owner().toString()).bytes(d.bson()).toBytes();
  }

  static StateModel.Document decodeDocument(byte[] v) {
    Plain.Reader r = new Plain.Reader(v);
    Identity owner = Identity.parse(r.string("owner", 1 << 20), "owner");
    return new StateModel.Document(owner, r.bytes("bson", 1 << 26));
  }

  static byte[] u64(long v) {
    return new Plain.Writer().u64(v).toBytes();
  }

  static long readU64(byte[] v) {
    return new Plain.Reader(v).u64("u64");
  }
}
