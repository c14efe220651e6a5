package io.cvmavs.chainbasedb;

import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import java.math.BigInteger;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.web3j.crypto.ECKeyPair;

/** Seeded generators of keys, signers and documents for tests (STYLE.md 12). */
public final class Db3Fixtures {
  private final Random rnd;

  public Db3Fixtures(long seed) {
    this.rnd = new Random(seed);
  }

  public Random random() {
    return rnd;
  }

  public MutationSigner ethSigner() {
    return MutationSigner.eth(ECKeyPair.create(new BigInteger(250, rnd).add(BigInteger.ONE)));
  }

  public MutationSigner nearSigner() {
    byte[] seed = new byte[32];
    rnd.nextBytes(seed);
    return MutationSigner.near(seed);
  }

  /** A scalar from a small domain, so that ties and prefixes occur. */
  public BsonValue smallValue() {
    return switch (rnd.nextInt(6)) {
      case 0 -> BsonNull.VALUE;
      case 1 -> new BsonInt32(rnd.nextInt(7) - 3);
      case 2 -> new BsonInt64(rnd.nextInt(7) - 3 + (rnd.nextBoolean() ? 0 : Long.MIN_VALUE / 2));
      case 3 -> new BsonDouble(rnd.nextInt(5) - 2 + (rnd.nextBoolean() ? 0.5 : -0.0));
      default -> new BsonString(randomString());
    };
  }

  public String randomString() {
    String[] parts = {"", "a", "ab", "b", "a\u0000", "\u00e9", "z", "aa"};
    return parts[rnd.nextInt(parts.length)]
        + (rnd.nextInt(4) == 0 ? parts[rnd.nextInt(parts.length)] : "");
  }

  /** A document with fields a, b, c (sometimes missing) and a payload string. */
  public byte[] document(int payloadBytes) {
    BsonDocument d = new BsonDocument();
    for (String f : new String[] {"a", "b", "c"}) {
      if (rnd.nextInt(10) != 0) {
        d.put(f, smallValue());
      }
    }
    d.put("payload", new BsonString("x".repeat(payloadBytes)));
    return BsonDocuments.encode(d);
  }
}
