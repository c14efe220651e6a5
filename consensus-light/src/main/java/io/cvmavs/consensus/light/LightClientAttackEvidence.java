package io.cvmavs.consensus.light;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.Header;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * CometBFT v0.38's {@code LightClientAttackEvidence}, built as its light client's detector builds
 * it ({@code newLightClientAttackEvidence}) from the conflicting block, the block the light client
 * verified at the same height ("trusted") and the last block both agree on ("common"):
 *
 * <ul>
 *   <li>a <b>lunatic</b> attack — the conflicting header differs from the trusted one in {@code
 *       validators_hash}, {@code next_validators_hash}, {@code consensus_hash}, {@code app_hash} or
 *       {@code last_results_hash} ({@code ConflictingHeaderIsInvalid}): common height and timestamp
 *       of the common block, its set's total power, and as byzantine validators those of the common
 *       set that signed the conflicting commit;
 *   <li>otherwise an <b>equivocation</b> (both commits in the same round): the trusted block's
 *       height, time and total power, and the validators that signed both commits (same set, so
 *       signatures match by index);
 *   <li>otherwise <b>amnesia</b> (different rounds): no byzantine validators can be named.
 * </ul>
 *
 * Byzantine validators are sorted as CometBFT's {@code ValidatorsByVotingPower} (power descending,
 * then address ascending).
 *
 * @param conflictingBlock the witness's block (signed header and validator set)
 * @param commonHeight see above
 * @param byzantineValidators see above
 * @param totalVotingPower see above
 * @param timestamp see above
 */
public record LightClientAttackEvidence(
    LightBlock conflictingBlock,
    long commonHeight,
    List<Validator> byzantineValidators,
    long totalVotingPower,
    Timestamp timestamp) {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  public LightClientAttackEvidence {
    byzantineValidators = List.copyOf(byzantineValidators);
  }

  /**
   * The evidence that {@code conflicted} conflicts with {@code trusted} (same height), both
   * descending from {@code common}.
   */
  public static LightClientAttackEvidence of(
      LightBlock conflicted, LightBlock trusted, LightBlock common) {
    Header c = conflicted.signedHeader().header();
    Header t = trusted.signedHeader().header();
    List<Validator> byzantine = new ArrayList<>();
    Commit conflictingCommit = conflicted.signedHeader().commit();
    if (conflictingHeaderIsInvalid(c, t)) {
      for (CommitSig sig : conflictingCommit.getSignaturesList()) {
        if (sig.getBlockIdFlag() != BlockIDFlag.BLOCK_ID_FLAG_COMMIT) {
          continue;
        }
        Validator v =
            common.validators() == null
                ? null
                : common.validators().byAddress(sig.getValidatorAddress().toByteArray());
        if (v != null) {
          byzantine.add(v);
        }
      }
      byzantine.sort(BY_VOTING_POWER);
      return new LightClientAttackEvidence(
          conflicted,
          common.height(),
          byzantine,
          common.validators() == null ? 0 : common.validators().totalVotingPower(),
          common.signedHeader().header().getTime());
    }
    Commit trustedCommit = trusted.signedHeader().commit();
    if (trustedCommit.getRound() == conflictingCommit.getRound()) {
      int n = Math.min(conflictingCommit.getSignaturesCount(), trustedCommit.getSignaturesCount());
      for (int i = 0; i < n; i++) {
        CommitSig a = conflictingCommit.getSignatures(i);
        CommitSig b = trustedCommit.getSignatures(i);
        if (a.getBlockIdFlag() != BlockIDFlag.BLOCK_ID_FLAG_COMMIT
            || b.getBlockIdFlag() != BlockIDFlag.BLOCK_ID_FLAG_COMMIT) {
          continue;
        }
        Validator v = conflicted.validators().byAddress(a.getValidatorAddress().toByteArray());
        if (v != null) {
          byzantine.add(v);
        }
      }
      byzantine.sort(BY_VOTING_POWER);
    }
    return new LightClientAttackEvidence(
        conflicted,
        trusted.height(),
        byzantine,
        trusted.validators().totalVotingPower(),
        trusted.signedHeader().header().getTime());
  }

  /**
   * CometBFT's {@code ConflictingHeaderIsInvalid}: the header is not one the trusted chain made.
   */
  static boolean conflictingHeaderIsInvalid(Header conflicting, Header trusted) {
    return !conflicting.getValidatorsHash().equals(trusted.getValidatorsHash())
        || !conflicting.getNextValidatorsHash().equals(trusted.getNextValidatorsHash())
        || !conflicting.getConsensusHash().equals(trusted.getConsensusHash())
        || !conflicting.getAppHash().equals(trusted.getAppHash())
        || !conflicting.getLastResultsHash().equals(trusted.getLastResultsHash());
  }

  /** {@code lunatic}, {@code equivocation} or {@code amnesia}, for a reader of the JSON line. */
  public String attackType(LightBlock trusted) {
    Header c = conflictingBlock.signedHeader().header();
    if (conflictingHeaderIsInvalid(c, trusted.signedHeader().header())) {
      return "lunatic";
    }
    return trusted.signedHeader().commit().getRound()
            == conflictingBlock.signedHeader().commit().getRound()
        ? "equivocation"
        : "amnesia";
  }

  private static final Comparator<Validator> BY_VOTING_POWER =
      Comparator.comparingLong(Validator::votingPower)
          .reversed()
          .thenComparing(Validator::address, Arrays::compareUnsigned);

  /**
   * CometBFT's JSON of the evidence ({@code {"type": "tendermint/LightClientAttackEvidence",
   * "value": {...}}}, int64s as strings, the conflicting block as {@code {signed_header,
   * validator_set}} in the RPC's shapes, which {@link LightJson#lightBlock} reads back). The
   * validator set's {@code proposer} (CometBFT's {@code ValidatorSet.ValidateBasic}, run on the
   * conflicting block at {@code /broadcast_evidence}, refuses a set without one) is the validator
   * the conflicting header names in {@code proposer_address}; when the set does not hold that
   * address there is none and the printed evidence is not broadcastable as is. Proposer priorities
   * are 0: a light block's set from {@code /validators} carries none, and the set's hash does not
   * cover them.
   */
  public ObjectNode toJson() {
    ObjectNode value = F.objectNode();
    ObjectNode block = value.putObject("conflicting_block");
    block.set("signed_header", signedHeaderJson(conflictingBlock.signedHeader()));
    if (conflictingBlock.validators() != null) {
      ObjectNode set = validatorSetJson(conflictingBlock.validators());
      Validator proposer =
          conflictingBlock
              .validators()
              .byAddress(
                  conflictingBlock.signedHeader().header().getProposerAddress().toByteArray());
      if (proposer != null) {
        set.set("proposer", validatorJson(proposer));
      }
      block.set("validator_set", set);
    }
    value.put("common_height", Long.toString(commonHeight));
    ArrayNode byz = value.putArray("byzantine_validators");
    for (Validator v : byzantineValidators) {
      byz.add(validatorJson(v));
    }
    value.put("total_voting_power", Long.toString(totalVotingPower));
    value.put("timestamp", time(timestamp));
    ObjectNode out = F.objectNode();
    out.put("type", "tendermint/LightClientAttackEvidence");
    out.set("value", value);
    return out;
  }

  static ObjectNode signedHeaderJson(SignedHeader sh) {
    ObjectNode n = F.objectNode();
    Header h = sh.header();
    ObjectNode hn = n.putObject("header");
    hn.putObject("version")
        .put("block", Long.toString(h.getVersion().getBlock()))
        .put("app", Long.toString(h.getVersion().getApp()));
    hn.put("chain_id", h.getChainId());
    hn.put("height", Long.toString(h.getHeight()));
    hn.put("time", time(h.getTime()));
    hn.set("last_block_id", blockIdJson(h.getLastBlockId()));
    hn.put("last_commit_hash", hex(h.getLastCommitHash()));
    hn.put("data_hash", hex(h.getDataHash()));
    hn.put("validators_hash", hex(h.getValidatorsHash()));
    hn.put("next_validators_hash", hex(h.getNextValidatorsHash()));
    hn.put("consensus_hash", hex(h.getConsensusHash()));
    hn.put("app_hash", hex(h.getAppHash()));
    hn.put("last_results_hash", hex(h.getLastResultsHash()));
    hn.put("evidence_hash", hex(h.getEvidenceHash()));
    hn.put("proposer_address", hex(h.getProposerAddress()));
    Commit c = sh.commit();
    ObjectNode cn = n.putObject("commit");
    cn.put("height", Long.toString(c.getHeight()));
    cn.put("round", c.getRound());
    cn.set("block_id", blockIdJson(c.getBlockId()));
    ArrayNode sigs = cn.putArray("signatures");
    for (CommitSig s : c.getSignaturesList()) {
      ObjectNode o = sigs.addObject();
      o.put("block_id_flag", s.getBlockIdFlagValue());
      o.put("validator_address", hex(s.getValidatorAddress()));
      o.put("timestamp", time(s.getTimestamp()));
      if (s.getSignature().isEmpty()) {
        o.putNull("signature");
      } else {
        o.put("signature", Base64.getEncoder().encodeToString(s.getSignature().toByteArray()));
      }
    }
    return n;
  }

  static ObjectNode validatorSetJson(ValidatorSet set) {
    ObjectNode n = F.objectNode();
    ArrayNode list = n.putArray("validators");
    for (Validator v : set.validators()) {
      list.add(validatorJson(v));
    }
    return n;
  }

  private static ObjectNode validatorJson(Validator v) {
    ObjectNode o = F.objectNode();
    o.put("address", LightJson.hex(v.address()));
    o.putObject("pub_key")
        .put("type", "tendermint/PubKeyEd25519")
        .put("value", Base64.getEncoder().encodeToString(v.publicKey()));
    o.put("voting_power", Long.toString(v.votingPower()));
    o.put("proposer_priority", "0");
    return o;
  }

  private static ObjectNode blockIdJson(BlockID id) {
    ObjectNode n = F.objectNode();
    n.put("hash", hex(id.getHash()));
    n.putObject("parts")
        .put("total", id.getPartSetHeader().getTotal())
        .put("hash", hex(id.getPartSetHeader().getHash()));
    return n;
  }

  private static String hex(ByteString b) {
    return LightJson.hex(b.toByteArray());
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
