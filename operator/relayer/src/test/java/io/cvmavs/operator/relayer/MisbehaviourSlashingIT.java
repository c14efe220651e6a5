package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.bridge.CheckpointData;
import io.cvmavs.chain.bridge.MisbehaviourSlasherClient;
import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.proto.abci.MisbehaviorType;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.stake.devnet.DevnetStakeDriver;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * CometBFT misbehaviour end to end, on real parts: anvil with the real deploy script's contracts
 * (CvmCheckpoints, CvmMisbehaviourSlasher allow-listed on the slasher router and on CStaking, the
 * AllocationManager stand-in), an EigenLayer operator registered with the AVS, with 100 {@code $C}
 * staked in CStaking, whose CStaking consensus key is CVM validator 1's Ed25519 key, and the CVM
 * chain as four real {@code CvmChainApp}s behind the local consensus driver. The driver makes
 * validator 1 sign two conflicting precommits with its real key, checks them as CometBFT's evidence
 * pool does and delivers {@code DUPLICATE_VOTE} misbehaviour in the next block's FinalizeBlock; the
 * relayer relays a checkpoint covering it and reports it; the operator's allocation and its native
 * {@code $C} stake are lower; a second report is refused and the relayer's next pass sends nothing.
 */
@WithAnvil
class MisbehaviourSlashingIT {
  private static final CvmChainFixture CHAIN = new CvmChainFixture("misbehaviour IT", 7300);

  @TempDir Path dir;

  @Test
  void aDoubleSignedPrecommitSlashesTheOperatorOnceThroughACheckpoint(AnvilNode anvil)
      throws Exception {
    Deployments d = CHAIN.deployWithGenesisSet(anvil);
    String checkpoints = d.address("CvmCheckpoints");
    String slasherAddress = d.address("CvmMisbehaviourSlasher");
    DevnetStakeDriver stake =
        new DevnetStakeDriver(anvil.web3j(), d, anvil.account(0).credentials());
    Credentials op = anvil.account(6).credentials();
    stake.eigenOperator(op, DevnetStakeDriver.E18.multiply(BigInteger.valueOf(100)));
    stake.setConsensusKey(op, CHAIN.edKey(1).publicKey());
    BigInteger cStaked = DevnetStakeDriver.E18.multiply(BigInteger.valueOf(100));
    stake.stakeC(op, op.getAddress(), cStaked);
    stake.registerWithAvs(op, 61);
    anvil.mine(10); // past the allocation delays
    RpcClient rpc = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty());
    CoreReader core =
        new CoreReader(rpc, d.address("DelegationManager"), d.address("AllocationManager"));
    StakingReader staking = new StakingReader(rpc, d.address("CStaking"));
    BigInteger before = core.maxMagnitude(op.getAddress(), d.address("Strategy"));
    assertThat(before).isEqualTo(DevnetStakeDriver.E18);
    assertThat(staking.operatorStake(op.getAddress())).isEqualTo(cStaked);

    try (CvmChainNet chain =
        CvmChainNet.start(
            CHAIN.settings(
                1, CvmChainFixture.noBlockDue(), () -> 0L, dir.resolve("chain"), null))) {
      steps(chain, 2);
      chain.driver().doubleSignNextPrecommit(chain.driver().nodes().get(1).name());
      steps(chain, 1); // height 3: validator 1 double-signs; the evidence waits for height 4
      assertThat(chain.driver().pendingEvidence())
          .singleElement()
          .satisfies(m -> assertThat(m.getType()).isEqualTo(MisbehaviorType.DUPLICATE_VOTE));
      steps(chain, 1); // height 4 delivers it in FinalizeBlock
      assertThat(chain.driver().pendingEvidence()).isEmpty();
      assertThat(chain.query("/state/root").get("misbehaviour_count").asLong()).isEqualTo(1);
      steps(chain, 2); // certificate of 5 (which signs the state of 4) is in block 6

      MisbehaviourSlasherClient slasher =
          new MisbehaviourSlasherClient(CvmChainFixture.transactor(anvil, 2), slasherAddress);
      CometCvmChain cvm = CometCvmChain.connect(chain.rpc(), Duration.ofSeconds(10));
      Relayer relayer =
          CvmChainFixture.relayer(anvil, 1, checkpoints, dir.resolve("relayer"), 1, chain.rpc())
              .reportingMisbehaviour(
                  new MisbehaviourReporter(
                      cvm, CvmChainFixture.checkpointsReader(anvil, checkpoints), slasher));
      List<Relayer.Event> events = relayer.step();
      assertThat(events)
          .filteredOn(e -> e.kind() == Relayer.Event.Kind.MISBEHAVIOUR_REPORTED)
          .singleElement()
          .satisfies(e -> assertThat(e.detail()).isEqualTo("1 records from 0"));
      events.stream()
          .filter(e -> e.kind() == Relayer.Event.Kind.MISBEHAVIOUR_REPORTED)
          .forEach(
              e ->
                  System.out.println(
                      "[gas] CvmMisbehaviourSlasher.report, 1 record: " + e.gasUsed()));
      assertThat(slasher.processedCount()).isEqualTo(1);
      BigInteger after = core.maxMagnitude(op.getAddress(), d.address("Strategy"));
      assertThat(after)
          .as("0.1 of the allocation (the deploy script's duplicate-vote WAD)")
          .isEqualTo(before.subtract(before.divide(BigInteger.TEN)));
      BigInteger cAfter = staking.operatorStake(op.getAddress());
      assertThat(cAfter)
          .as("0.1 of the $C stake burnt (the deploy script's duplicate-vote $C WAD)")
          .isEqualTo(cStaked.subtract(cStaked.divide(BigInteger.TEN)));

      // The same report again is refused by the contract (NothingNew(1, 1)); nothing changes.
      long latest = CvmChainFixture.checkpointsReader(anvil, checkpoints).latestHeight();
      JsonNode a = cvm.misbehaviour(0, latest).orElseThrow();
      assertThatThrownBy(() -> slasher.report(report(a, latest, checkpoints, anvil)))
          .isInstanceOf(ChainException.Reverted.class)
          .hasMessageContaining(
              org.web3j.crypto.Hash.sha3String("NothingNew(uint64,uint64)").substring(0, 10));
      steps(chain, 2);
      assertThat(relayer.step())
          .noneMatch(e -> e.kind() == Relayer.Event.Kind.MISBEHAVIOUR_REPORTED);
      assertThat(core.maxMagnitude(op.getAddress(), d.address("Strategy"))).isEqualTo(after);
      assertThat(staking.operatorStake(op.getAddress())).as("$C slashed once").isEqualTo(cAfter);
    }
  }

  private static MisbehaviourSlasherClient.Report report(
      JsonNode a, long height, String checkpoints, AnvilNode anvil) {
    JsonNode c = a.get("checkpoint");
    CheckpointData cp =
        new CheckpointData(
            c.get("height").asLong(),
            hex(c.get("app_hash")),
            hex(c.get("cvm_block_hash")),
            hex(c.get("cumulative_root")),
            hex(c.get("withdrawals_root")),
            hex(c.get("next_validator_set_hash")));
    JsonNode r = a.get("records").get(0);
    return new MisbehaviourSlasherClient.Report(
        CvmChainFixture.checkpointsReader(anvil, checkpoints).checkpointCount() - 1,
        cp,
        a.get("count").asLong(),
        hex(a.get("root")),
        java.util.stream.StreamSupport.stream(a.get("siblings").spliterator(), false)
            .map(MisbehaviourSlashingIT::hex)
            .toList(),
        List.of(
            new MisbehaviourSlasherClient.Record(
                r.get("type").asInt(),
                hex(r.get("validator")),
                r.get("height").asLong(),
                r.get("time").asLong(),
                r.get("total_voting_power").asLong())),
        List.of(hex(r.get("consensus_key"))),
        List.of());
  }

  private static byte[] hex(JsonNode n) {
    return HexFormat.of().parseHex(n.asText().substring(2));
  }

  private static void steps(CvmChainNet chain, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      assertThat(chain.step()).isPresent();
    }
  }
}
