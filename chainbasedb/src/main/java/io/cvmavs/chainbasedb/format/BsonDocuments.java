package io.cvmavs.chainbasedb.format;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bson.BsonBinaryWriter;
import org.bson.BsonDocument;
import org.bson.BsonSerializationException;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;

/**
 * Documents are BSON (bsonspec.org 1.1) through {@code org.mongodb:bson}. A document is accepted
 * only if it decodes completely and re-encodes to exactly the same bytes, so a signed document has
 * one byte form. Its JSON form is MongoDB Extended JSON v2 in canonical mode, which keeps every
 * BSON type ({@code {"$numberInt": "1"}}), so JSON → BSON gives back the signed bytes.
 */
public final class BsonDocuments {
  /** Largest document accepted (bytes). */
  public static final int MAX_DOCUMENT = 1 << 20;

  private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();
  private static final JsonWriterSettings CANONICAL =
      JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

  private BsonDocuments() {}

  /** Decodes and checks {@code bytes}; errors name {@code field}. */
  public static BsonDocument decode(byte[] bytes, String field) {
    if (bytes.length > MAX_DOCUMENT) {
      throw new FormatException(field, "document of " + bytes.length + " bytes exceeds 1 MiB");
    }
    if (bytes.length < 5) {
      throw new FormatException(field, "not a BSON document (" + bytes.length + " bytes)");
    }
    BsonDocument doc;
    try {
      doc = new RawBsonDocument(bytes).decode(CODEC);
    } catch (BsonSerializationException | org.bson.BsonInvalidOperationException e) {
      throw new FormatException(field, "not a valid BSON document: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new FormatException(field, "not a valid BSON document: " + e);
    }
    if (!Arrays.equals(encode(doc), bytes)) {
      throw new FormatException(
          field, "BSON document is not in its canonical byte form (length or trailing bytes)");
    }
    return doc;
  }

  public static byte[] encode(BsonDocument doc) {
    BasicOutputBuffer buf = new BasicOutputBuffer();
    try (BsonBinaryWriter w = new BsonBinaryWriter(buf)) {
      CODEC.encode(w, doc, EncoderContext.builder().build());
    }
    return buf.toByteArray();
  }

  public static BsonDocument decodeTrusted(byte[] bytes) {
    return CODEC.decode(
        new org.bson.BsonBinaryReader(ByteBuffer.wrap(bytes)), DecoderContext.builder().build());
  }

  public static String toJson(byte[] bytes) {
    return decodeTrusted(bytes).toJson(CANONICAL);
  }

  public static byte[] fromJson(String json, String field) {
    try {
      return encode(BsonDocument.parse(json));
    } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
      throw new FormatException(field, "not an Extended JSON document: " + e.getMessage());
    }
  }
}
