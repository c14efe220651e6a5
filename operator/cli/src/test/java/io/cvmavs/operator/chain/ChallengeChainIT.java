package io.cvmavs.operator.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.EquivocationProof;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.SignatureProof;
import io.cvmavs.chain.avs.SignerSet;
import io.cvmavs.chain.avs.SlashingEvents;
import io.cvmavs.chain.avs.SlashingProofBuilder;
import io.cvmavs.chain.avs.SlashingRequest;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.registration.OperatorRegistration;
import io.cvmavs.operator.registration.RegistrationContracts;
import io.cvmavs.operator.registration.RegistrationStep;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Challenges and slashing through the hand-written task-manager ABI against the real contracts
 * (forge deploy script on anvil, devnet windows): three operators of equal stake registered through
 * {@link OperatorRegistration}; the deployer (account 0) is task generator, aggregator and veto
 * committee; account 5 challenges. Each test works on its own task.
 */
@WithAnvil
class ChallengeChainIT {
  private static final String OPERATOR_SLASHED_TOPIC =
      Abi.topic("OperatorSlashed(address,(address,uint32),address[],uint256[],string)");

  private static URI rpc;
  private static long chainId;
  private static Deployments d;
  private static long deploymentBlock;
  private static String tm;
  private static TaskManagerWriter owner;
  private static TaskManagerReader reader;
  private static TaskManagerWriter challenger;
  private static String challengerAddress;
  private static RegistryReader registry;
  private static SlashingProofBuilder proofs;
  private static final List<BlsKeyPair> keys = new ArrayList<>();
  private static final List<String> addresses = new ArrayList<>();
  private static long cvmHeight;

  @BeforeAll
  static void deployAndRegisterThreeOperators(AnvilNode anvil) {
    d = Deployments.read(ForgeDeploy.deploy(anvil));
    deploymentBlock = Long.parseLong(d.values().get("deploymentBlock"));
    rpc = URI.create(anvil.rpcUrl());
    chainId = anvil.chainId();
    tm = d.address("CvmTaskManager");
    Transactor deployer = ChainAccess.open(rpc, ChainAccess.devnetDeployer(), Optional.of(chainId));
    owner = new TaskManagerWriter(deployer, tm);
    AvsLocalnet.registerHash(deployer, d, Hash.sha3("manuscript".getBytes()));
    reader = new TaskManagerReader(deployer, tm);
    Transactor challengerTx =
        ChainAccess.open(rpc, anvil.account(5).credentials().getEcKeyPair(), Optional.of(chainId));
    challenger = new TaskManagerWriter(challengerTx, tm);
    challengerAddress = challengerTx.address();
    registry = new RegistryReader(deployer, d.address("CvmRegistry"));
    proofs = new SlashingProofBuilder(registry, deploymentBlock);
    RegistrationContracts contracts =
        new RegistrationContracts(
            d.address("DelegationManager"),
            d.address("StrategyManager"),
            d.address("AllocationManager"),
            d.address("Strategy"),
            d.address("UnderlyingToken"),
            d.address("CToken"),
            d.address("CStaking"),
            d.address("CvmServiceManager"),
            d.address("CvmRegistry"),
            tm,
            0);
    for (int i = 1; i <= 3; i++) {
      BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(31_000 + i));
      Transactor op =
          ChainAccess.open(
              rpc, anvil.account(i).credentials().getEcKeyPair(), Optional.of(chainId));
      List<RegistrationStep> steps =
          new OperatorRegistration(
                  contracts,
                  op,
                  Optional.of(deployer),
                  bls,
                  block -> mineTo(anvil, block),
                  line -> {})
              .register(
                  new OperatorRegistration.Request(
                      new BigInteger("100000000000000000000"),
                      new BigInteger("50000000000000000000"),
                      Optional.of(Hash.sha3(("challenge-consensus-" + i).getBytes())),
                      BigInteger.TEN.pow(18),
                      "127.0.0.1:930" + i,
                      "https://op.invalid"));
      assertThat(steps).allMatch(s -> s.status() == RegistrationStep.Status.DONE);
      keys.add(bls);
      addresses.add(op.address());
    }
    assertThat(reader.config().vetoWindowBlock()).isEqualTo(4);
    assertThat(reader.challengeWindowBlock()).isEqualTo(20);
  }

  /** (a) A wrong response signed by operators 1 and 2 lands; challenged and fulfilled. */
  @Test
  void landedWrongResponseIsChallengedAndItsSignersSlashed() {
    CvmTask task = newTask();
    TaskResponse wrong = response(task, "wrong");
    owner.respondToTask(task, wrong, aggregate(task, wrong, List.of(0, 1)));
    TaskManagerAbi.TaskResponded responded =
        reader.responses(task.taskCreatedBlock(), reader.blockNumber()).stream()
            .filter(r -> r.taskIndex() == task.taskIndex())
            .findFirst()
            .orElseThrow();
    List<byte[]> nonSigners = reader.nonSignerIds(responded);
    assertThat(nonSigners).containsExactly(keys.get(2).operatorId());

    List<BigInteger> before = stakes();
    long id =
        challenger.raiseChallenge(
            task, wrong, responded.metadata(), response(task, "right"), reader.challengeBond());
    SlashingRequest request = reader.slashingRequest(id);
    assertThat(request.kind()).isEqualTo(SlashingRequest.Kind.WRONG_RESULT);
    assertThat(request.status()).isEqualTo(SlashingRequest.Status.PENDING);
    assertThat(reader.challengesRaised(request.createdBlock(), request.createdBlock()))
        .extracting(SlashingEvents.ChallengeRaised::requestId)
        .containsExactly(id);

    List<SignerSet> signers = proofs.signerSets(task, nonSigners);
    assertThat(signers.get(0).operatorIds())
        .containsExactlyElementsOf(ascending(keys.get(0).operatorId(), keys.get(1).operatorId()));
    // Not before the veto window is over.
    assertThatThrownBy(
            () ->
                owner.fulfilSlashingRequest(
                    id, task, wrong, responded.metadata(), nonSigners, signers))
        .isInstanceOf(ChainException.Reverted.class);
    mine(reader.vetoWindowBlock() + 1);
    TransactionReceipt receipt =
        owner.fulfilSlashingRequest(id, task, wrong, responded.metadata(), nonSigners, signers);

    assertThat(
            SlashingEvents.inReceipt(
                receipt,
                tm,
                SlashingEvents.OPERATOR_SLASHED_FOR_WRONG_RESULT_TOPIC,
                SlashingEvents::decodeOperatorSlashedForWrongResult))
        .extracting(SlashingEvents.OperatorSlashedForWrongResult::operator)
        .containsExactlyInAnyOrder(addresses.get(0), addresses.get(1));
    assertThat(
            SlashingEvents.inReceipt(
                receipt,
                tm,
                SlashingEvents.SLASHING_REQUEST_FULFILLED_TOPIC,
                SlashingEvents::decodeSlashingRequestFulfilled))
        .singleElement()
        .satisfies(f -> assertThat(f.operatorsSlashed()).isEqualTo(2));
    assertThat(allocationManagerSlashes(receipt)).isEqualTo(2);
    assertThat(reader.slashingRequest(id).status()).isEqualTo(SlashingRequest.Status.FULFILLED);
    List<BigInteger> after = stakes();
    assertThat(after.get(0)).isLessThan(before.get(0));
    assertThat(after.get(1)).isLessThan(before.get(1));
    assertThat(after.get(2)).isEqualTo(before.get(2));
  }

  /** (b) Operator 2's wrong signature never lands; its signature alone gets it slashed. */
  @Test
  void offChainWrongSignatureIsChallengedAndOnlyItsSignerSlashed() {
    CvmTask task = newTask();
    TaskResponse honest = response(task, "honest");
    TaskResponse wrong = response(task, "wrong");
    owner.respondToTask(task, honest, aggregate(task, honest, List.of(0, 2)));
    BlsKeyPair faulty = keys.get(1);

    List<BigInteger> before = stakes();
    long id = raiseSignatureChallenge(task, faulty, wrong, honest);
    SlashingRequest request = reader.slashingRequest(id);
    assertThat(request.kind()).isEqualTo(SlashingRequest.Kind.SIGNATURE);
    assertThat(request.operator()).isEqualToIgnoringCase(addresses.get(1));
    assertThat(request.bond()).isEqualTo(reader.challengeBond());
    assertThat(reader.signatureChallengesRaised(request.createdBlock(), request.createdBlock()))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.requestId()).isEqualTo(id);
              assertThat(e.operator()).isEqualToIgnoringCase(addresses.get(1));
              assertThat(e.signedResponse()).isEqualTo(wrong);
              assertThat(e.claimedResponse()).isEqualTo(honest);
            });

    mine(reader.vetoWindowBlock() + 1);
    TransactionReceipt receipt =
        challenger.fulfilSignatureChallenge(
            id, task, proofs.stakeIndices(task, faulty.operatorId()));
    assertThat(
            SlashingEvents.inReceipt(
                receipt,
                tm,
                SlashingEvents.OPERATOR_SLASHED_FOR_WRONG_RESULT_TOPIC,
                SlashingEvents::decodeOperatorSlashedForWrongResult))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.operator()).isEqualToIgnoringCase(addresses.get(1));
              assertThat(e.quorumNumber()).isZero();
              assertThat(e.requestId()).isEqualTo(id);
            });
    assertThat(allocationManagerSlashes(receipt)).isEqualTo(1);
    assertThat(
            reader.slashingRequestsFulfilled(
                receipt.getBlockNumber().longValueExact(), reader.blockNumber()))
        .extracting(SlashingEvents.SlashingRequestFulfilled::requestId)
        .containsExactly(id);
    List<BigInteger> after = stakes();
    assertThat(after.get(1)).isLessThan(before.get(1));
    assertThat(after.get(0)).isEqualTo(before.get(0));
    assertThat(after.get(2)).isEqualTo(before.get(2));
  }

  /** (c) The veto committee cancels a signature challenge; it can then be raised again. */
  @Test
  void vetoedSignatureChallengeSlashesNobodyAndCanBeRaisedAgain() {
    CvmTask task = newTask();
    TaskResponse signed = response(task, "signed");
    TaskResponse claimed = response(task, "claimed");
    List<BigInteger> before = stakes();
    long id = raiseSignatureChallenge(task, keys.get(0), signed, claimed);
    // Only the veto committee may veto.
    assertThatThrownBy(() -> challenger.vetoSlashingRequest(id))
        .isInstanceOf(ChainException.Reverted.class)
        .hasMessageContaining("vetoSlashingRequest");
    TransactionReceipt veto = owner.vetoSlashingRequest(id);
    assertThat(
            SlashingEvents.inReceipt(
                veto,
                tm,
                SlashingEvents.SLASHING_REQUEST_VETOED_TOPIC,
                SlashingEvents::decodeSlashingRequestVetoed))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.requestId()).isEqualTo(id);
              assertThat(v.taskIndex()).isEqualTo(task.taskIndex());
              assertThat(v.bondForfeited()).isEqualTo(reader.challengeBond());
            });
    assertThat(reader.slashingRequest(id).status()).isEqualTo(SlashingRequest.Status.VETOED);
    assertThat(
            reader.slashingRequestsVetoed(
                veto.getBlockNumber().longValueExact(), veto.getBlockNumber().longValueExact()))
        .hasSize(1);
    mine(reader.vetoWindowBlock() + 1);
    assertThatThrownBy(
            () ->
                challenger.fulfilSignatureChallenge(
                    id, task, proofs.stakeIndices(task, keys.get(0).operatorId())))
        .isInstanceOf(ChainException.Reverted.class);
    assertThat(stakes()).isEqualTo(before);

    long again = raiseSignatureChallenge(task, keys.get(0), signed, claimed);
    assertThat(again).isGreaterThan(id);
    assertThat(reader.slashingRequest(again).status()).isEqualTo(SlashingRequest.Status.PENDING);
    owner.vetoSlashingRequest(again);
  }

  /** (d) Two signatures of operator 3 over different responses to one task. */
  @Test
  void equivocationIsSlashedFromTwoSignatures() {
    CvmTask task = newTask();
    TaskResponse a = response(task, "a");
    TaskResponse b = response(task, "b");
    BlsKeyPair op = keys.get(2);
    List<BigInteger> before = stakes();
    EquivocationProof proof =
        proofs.equivocationProof(
            task, op.publicKeyG1(), op.publicKeyG2(), op.sign(digest(a)), op.sign(digest(b)));
    assertThat(reader.equivocationSlashed(task.taskIndex(), addresses.get(2))).isFalse();
    TransactionReceipt receipt = challenger.slashEquivocation(task, a, b, proof);
    assertThat(reader.equivocationSlashed(task.taskIndex(), addresses.get(2))).isTrue();
    assertThat(reader.equivocationSlashed(task.taskIndex(), addresses.get(1))).isFalse();
    assertThat(
            SlashingEvents.inReceipt(
                receipt,
                tm,
                SlashingEvents.EQUIVOCATION_SLASHED_TOPIC,
                SlashingEvents::decodeEquivocationSlashed))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskIndex()).isEqualTo(task.taskIndex());
              assertThat(e.operator()).isEqualToIgnoringCase(addresses.get(2));
              assertThat(e.reporter()).isEqualToIgnoringCase(challengerAddress);
            });
    long block = receipt.getBlockNumber().longValueExact();
    assertThat(reader.equivocationsSlashed(block, block)).hasSize(1);
    assertThat(allocationManagerSlashes(receipt)).isEqualTo(1);
    List<BigInteger> after = stakes();
    assertThat(after.get(2)).isLessThan(before.get(2));
    assertThat(after.get(0)).isEqualTo(before.get(0));
    assertThat(after.get(1)).isEqualTo(before.get(1));
    // Once per task and operator.
    assertThatThrownBy(() -> challenger.slashEquivocation(task, a, b, proof))
        .isInstanceOf(ChainException.Reverted.class);
  }

  // ------------------------------------------------------------------ helpers

  private static long raiseSignatureChallenge(
      CvmTask task, BlsKeyPair signer, TaskResponse signed, TaskResponse claimed) {
    SignatureProof proof =
        proofs.signatureProof(
            task, signer.publicKeyG1(), signer.publicKeyG2(), signer.sign(digest(signed)));
    return challenger.raiseSignatureChallenge(task, signed, proof, claimed, reader.challengeBond());
  }

  private static CvmTask newTask() {
    cvmHeight++;
    return owner.createTask(
        cvmHeight,
        Hash.sha3("manuscript".getBytes()),
        Hash.sha3(("input-" + cvmHeight).getBytes()),
        new byte[] {0},
        60);
  }

  private static TaskResponse response(CvmTask task, String tag) {
    return new TaskResponse(
        task.taskIndex(),
        Hash.sha3(("block-" + tag).getBytes()),
        Hash.sha3(("dataset-" + tag).getBytes()),
        Hash.sha3(("state-" + tag).getBytes()));
  }

  private static byte[] digest(TaskResponse r) {
    return TaskManagerAbi.responseDigest(chainId, tm, r);
  }

  /** The aggregate of the {@code signers} (indices into {@link #keys}); the others non-signers. */
  private static NonSignerStakesAndSignature aggregate(
      CvmTask task, TaskResponse r, List<Integer> signers) {
    List<BlsKeyPair> nonSigners = new ArrayList<>();
    List<BlsKeyPair> signing = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      (signers.contains(i) ? signing : nonSigners).add(keys.get(i));
    }
    nonSigners.sort(Comparator.comparing((BlsKeyPair k) -> new BigInteger(1, k.operatorId())));
    List<byte[]> nonSignerIds = nonSigners.stream().map(BlsKeyPair::operatorId).toList();
    RegistryReader.CheckSignaturesIndices idx =
        registry.checkSignaturesIndices(
            task.quorumNumbers(), task.taskCreatedBlock(), nonSignerIds);
    byte[] digest = digest(r);
    return new NonSignerStakesAndSignature(
        nonSigners.stream().map(BlsKeyPair::publicKeyG1).toList(),
        List.of(Bls.aggregatePublicKeysG1(keys.stream().map(BlsKeyPair::publicKeyG1).toList())),
        Bls.aggregatePublicKeysG2(signing.stream().map(BlsKeyPair::publicKeyG2).toList()),
        Bls.aggregateSignatures(signing.stream().map(k -> k.sign(digest)).toList()),
        idx.quorumApkIndices(),
        idx.totalStakeIndices(),
        idx.nonSignerIndices());
  }

  private static List<BigInteger> stakes() {
    return keys.stream().map(k -> registry.currentStake(k.operatorId(), 0)).toList();
  }

  private static List<byte[]> ascending(byte[] a, byte[] b) {
    return new BigInteger(1, a).compareTo(new BigInteger(1, b)) < 0 ? List.of(a, b) : List.of(b, a);
  }

  /** {@code OperatorSlashed} events of the AllocationManager in a receipt. */
  private static long allocationManagerSlashes(TransactionReceipt receipt) {
    return receipt.getLogs().stream()
        .filter(l -> l.getAddress().equalsIgnoreCase(d.address("AllocationManager")))
        .filter(l -> OPERATOR_SLASHED_TOPIC.equalsIgnoreCase(l.getTopics().get(0)))
        .count();
  }

  private static void mine(long blocks) {
    ChainAccess.anvilMine(rpc, blocks);
  }

  private static void mineTo(AnvilNode anvil, long block) {
    long now = anvil.blockNumber();
    if (now < block) {
      ChainAccess.anvilMine(URI.create(anvil.rpcUrl()), block - now);
    }
  }
}
