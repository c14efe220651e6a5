package io.cvmavs.consensus.light;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.CanonicalBlockID;
import io.cvmavs.consensus.proto.types.CanonicalPartSetHeader;
import io.cvmavs.consensus.proto.types.CanonicalVote;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import io.cvmavs.consensus.proto.types.SignedMsgType;
import io.cvmavs.consensus.proto.version.Consensus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A chain of real headers and Ed25519-signed commits made in the test (block every 5 s from {@code
 * t0}): the validator set of each height comes from {@code schedule} (indices into a pool of keys),
 * every member signs. Headers are checked by the same code as real ones; the model-based and
 * Celestia tests pin that code to others' data.
 */
final class SyntheticChain implements Provider {
  static final String CHAIN_ID = "synthetic";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final List<byte[]> secrets = new ArrayList<>();
  private final List<byte[]> publics = new ArrayList<>();
  private final LongFunction<int[]> schedule;
  private final Map<Long, LightBlock> blocks = new HashMap<>();
  final List<Long> requested = new ArrayList<>();

  SyntheticChain(int poolSize, LongFunction<int[]> schedule) {
    Random random = new Random(poolSize);
    for (int i = 0; i < poolSize; i++) {
      byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
      random.nextBytes(sk);
      byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
      Ed25519.generatePublicKey(sk, 0, pk, 0);
      secrets.add(sk);
      publics.add(pk);
    }
    this.schedule = schedule;
  }

  ValidatorSet set(long height) {
    List<Validator> vals = new ArrayList<>();
    for (int i : schedule.apply(height)) {
      vals.add(new Validator(Validator.addressOf(publics.get(i)), publics.get(i), 10));
    }
    return new ValidatorSet(vals);
  }

  @Override
  public LightBlock lightBlock(long height) {
    requested.add(height);
    return block(height);
  }

  LightBlock block(long height) {
    return blocks.computeIfAbsent(height, this::make);
  }

  private LightBlock make(long height) {
    ValidatorSet vals = set(height);
    ValidatorSet next = set(height + 1);
    Instant time = T0.plusSeconds(5 * height);
    Header header =
        Header.newBuilder()
            .setVersion(Consensus.newBuilder().setBlock(11))
            .setChainId(CHAIN_ID)
            .setHeight(height)
            .setTime(ts(time))
            .setLastBlockId(
                BlockID.newBuilder().setPartSetHeader(PartSetHeader.getDefaultInstance()))
            .setValidatorsHash(ByteString.copyFrom(vals.hash()))
            .setNextValidatorsHash(ByteString.copyFrom(next.hash()))
            .setProposerAddress(ByteString.copyFrom(vals.validators().getFirst().address()))
            .build();
    ByteString hash = ByteString.copyFrom(HeaderHash.of(header));
    BlockID id =
        BlockID.newBuilder()
            .setHash(hash)
            .setPartSetHeader(PartSetHeader.newBuilder().setTotal(1).setHash(hash))
            .build();
    Commit.Builder commit = Commit.newBuilder().setHeight(height).setBlockId(id);
    Timestamp voteTime = ts(time.plusMillis(500));
    for (Validator v : vals.validators()) {
      byte[] sk = secrets.get(indexOf(v.publicKey()));
      byte[] msg = signBytes(height, id, voteTime);
      byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
      Ed25519.sign(sk, 0, msg, 0, msg.length, sig, 0);
      commit.addSignatures(
          CommitSig.newBuilder()
              .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
              .setValidatorAddress(ByteString.copyFrom(v.address()))
              .setTimestamp(voteTime)
              .setSignature(ByteString.copyFrom(sig)));
    }
    return new LightBlock(new SignedHeader(header, commit.build()), vals, next);
  }

  private int indexOf(byte[] pk) {
    for (int i = 0; i < publics.size(); i++) {
      if (java.util.Arrays.equals(publics.get(i), pk)) {
        return i;
      }
    }
    throw new IllegalStateException("unknown key");
  }

  private static byte[] signBytes(long height, BlockID id, Timestamp time) {
    CanonicalVote vote =
        CanonicalVote.newBuilder()
            .setType(SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT)
            .setHeight(height)
            .setBlockId(
                CanonicalBlockID.newBuilder()
                    .setHash(id.getHash())
                    .setPartSetHeader(
                        CanonicalPartSetHeader.newBuilder()
                            .setTotal(id.getPartSetHeader().getTotal())
                            .setHash(id.getPartSetHeader().getHash())))
            .setTimestamp(time)
            .setChainId(CHAIN_ID)
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      vote.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
