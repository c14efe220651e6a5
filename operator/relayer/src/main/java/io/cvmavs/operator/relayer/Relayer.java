package io.cvmavs.operator.relayer;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.consensus.app.model.AbiWords;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the CVM chain's checkpoints to {@code CvmCheckpoints}. One {@link #step()} reads the
 * contract, then the certificates of the heights after the last one it looked at, and submits a
 * checkpoint when one is due:
 *
 * <ul>
 *   <li>its {@code nextValidatorSetHash} is not the committed set's (a rotation: the contract needs
 *       that checkpoint, then {@code rotateValidatorSet}, which follows at once);
 *   <li>its {@code withdrawalsRoot} differs from the last one seen on chain (withdrawals become
 *       claimable);
 *   <li>{@code every} heights have passed since the last accepted height.
 * </ul>
 *
 * A due certificate is verified locally first ({@link CertificateCheck}); one that fails is refused
 * and nothing is sent — the step stops there ({@link RelayerException.Refused}) and the next step
 * tries the same height again, so a lying node stalls the relayer (visible as lag) but never makes
 * it skip a checkpoint. The contract is read again right before sending: a height already accepted
 * (another relayer won) is skipped, and a refusal by the contract (estimation fails, nothing sent)
 * for a height that turned out to be on chain counts as a lost race, not an error. Progress is
 * saved after every submission ({@link RelayerState}). Not thread-safe: one thread steps.
 */
public final class Relayer {
  private static final Logger LOG = LoggerFactory.getLogger(Relayer.class);
  private static final byte[] ZERO = new byte[32];

  /** What happened to one height; for logs, the CLI and tests. */
  public record Event(Kind kind, long height, long gasUsed, String detail) {
    public enum Kind {
      SUBMITTED,
      LOST_RACE,
      ROTATED,
      /** Misbehaviour records reported to CvmMisbehaviourSlasher (detail: how many, from which). */
      MISBEHAVIOUR_REPORTED
    }
  }

  /**
   * @param every submit at least every this many CVM heights (≥ 1)
   * @param dataDirectory where {@code relayer-state.json} lives
   */
  public record Settings(long every, Path dataDirectory) {
    public Settings {
      if (every < 1) {
        throw new IllegalArgumentException("--every must be >= 1, got " + every);
      }
    }
  }

  private final Settings settings;
  private final CvmChain cvm;
  private final CheckpointChain contract;
  private final String contractAddress;
  private final RelayerMetrics metrics;
  private final Consumer<Event> listener;
  private String cvmChainId;
  private RelayerState state;
  private MisbehaviourReporter misbehaviour;

  public Relayer(
      Settings settings,
      CvmChain cvm,
      CheckpointChain contract,
      String contractAddress,
      RelayerMetrics metrics,
      Consumer<Event> listener) {
    this.settings = settings;
    this.cvm = cvm;
    this.contract = contract;
    this.contractAddress = contractAddress;
    this.metrics = metrics;
    this.listener = listener;
    this.state = RelayerState.load(settings.dataDirectory(), contractAddress);
  }

  /**
   * After each pass, reports the misbehaviour the last accepted checkpoint covers ({@link
   * MisbehaviourReporter}); a failure there fails the pass like a refused checkpoint.
   */
  public Relayer reportingMisbehaviour(MisbehaviourReporter reporter) {
    this.misbehaviour = reporter;
    return this;
  }

  public RelayerState state() {
    return state;
  }

  /**
   * One pass up to the latest certified height.
   *
   * @return the events of this pass
   * @throws RelayerException.Refused a due certificate failed local verification (nothing sent)
   * @throws RelayerException on an RPC failure, a chain mismatch or a refusal by the contract
   */
  public List<Event> step() {
    List<Event> events = new java.util.ArrayList<>();
    try {
      stepInto(events);
      return events;
    } catch (RelayerException.Refused e) {
      metrics.refused();
      metrics.error();
      throw e;
    } catch (RuntimeException e) {
      metrics.error();
      throw e;
    } finally {
      state.save(settings.dataDirectory());
    }
  }

  private void stepInto(List<Event> events) {
    if (cvmChainId == null) {
      String id = cvm.chainId();
      byte[] expected = contract.cvmChainId();
      if (!Arrays.equals(AbiWords.keccak(id), expected)) {
        throw new RelayerException(
            "the CVM node's chain id '"
                + id
                + "' is not the one CvmCheckpoints "
                + contractAddress
                + " was deployed for (cvmChainId 0x"
                + HexFormat.of().formatHex(expected)
                + ")");
      }
      cvmChainId = id;
    }
    if (contract.hasPending()) {
      LOG.info("a transaction of the relayer account is still pending; waiting for it");
      return;
    }
    rotateIfPending(events);
    long onChain = contract.latestHeight();
    long certified = cvm.latestHeight() - 1; // the certificate of H is in block H+1
    metrics.lag(certified - onChain);
    if (onChain > state.scannedHeight()) {
      state = state.scanned(onChain); // landed by someone (or by us before a crash): never resent
    }
    CommittedSet committed = contract.committedSet();
    for (long h = state.scannedHeight() + 1; h <= certified; h++) {
      if (h <= onChain) {
        state = state.scanned(h); // another relayer got further meanwhile
        continue;
      }
      Optional<RelayCertificate> found = cvm.certificate(h);
      if (found.isEmpty()) {
        LOG.info("CVM height {} has no certificate; nothing to relay for it", h);
        state = state.scanned(h);
        continue;
      }
      RelayCertificate cert = found.get();
      boolean rotation = !Arrays.equals(cert.checkpoint().nextValidatorSetHash(), committed.hash());
      boolean withdrawals =
          state.lastWithdrawalsRoot().isEmpty()
              || !Arrays.equals(
                  state.lastWithdrawalsRoot().get(), cert.checkpoint().withdrawalsRoot());
      boolean periodic = h - onChain >= settings.every();
      if (!rotation && !withdrawals && !periodic) {
        state = state.scanned(h);
        continue;
      }
      CertificateCheck.Verified verified = CertificateCheck.verify(cert, committed, cvmChainId);
      onChain = contract.latestHeight();
      if (onChain >= h) {
        lost(events, cert, "already on chain before sending");
        rotateIfPending(events); // the winner may have committed a new set (and not rotated)
        committed = contract.committedSet();
        continue;
      }
      long gas;
      try {
        gas = contract.submit(verified);
      } catch (ChainException.Reverted e) {
        long now = contract.latestHeight();
        if (now >= h) {
          lost(
              events,
              cert,
              (e.mined() ? "mined revert: " : "refused before sending: ") + e.getMessage());
          onChain = now;
          rotateIfPending(events);
          committed = contract.committedSet();
          continue;
        }
        throw new RelayerException(
            "CvmCheckpoints refused the checkpoint of CVM height "
                + h
                + " that verified locally: "
                + e.getMessage(),
            e);
      }
      onChain = h;
      state = state.accepted(h, cert.checkpoint().withdrawalsRoot(), gas);
      state.save(settings.dataDirectory());
      metrics.submitted(gas);
      metrics.lag(certified - onChain);
      LOG.info(
          "checkpoint of CVM height {} accepted ({} gas, {} non-signers)",
          h,
          gas,
          verified.nonSignerIndices().size());
      emit(
          events,
          new Event(
              Event.Kind.SUBMITTED, h, gas, verified.nonSignerIndices().size() + " non-signers"));
      if (rotation) {
        rotateIfPending(events);
        committed = contract.committedSet();
      }
    }
    if (misbehaviour != null) {
      for (MisbehaviourReporter.Sent sent : misbehaviour.step()) {
        emit(
            events,
            new Event(
                Event.Kind.MISBEHAVIOUR_REPORTED,
                sent.checkpointHeight(),
                sent.gasUsed(),
                sent.records() + " records from " + sent.from()));
      }
    }
  }

  private void lost(List<Event> events, RelayCertificate cert, String why) {
    state = state.lostRace(cert.height(), cert.checkpoint().withdrawalsRoot());
    metrics.lostRace();
    LOG.info(
        "checkpoint of CVM height {} skipped: another relayer landed it ({})", cert.height(), why);
    emit(events, new Event(Event.Kind.LOST_RACE, cert.height(), 0, why));
  }

  private void emit(List<Event> events, Event e) {
    events.add(e);
    listener.accept(e);
  }

  /** A checkpoint committed a new set: write it (entries from the CVM chain, found by hash). */
  private void rotateIfPending(List<Event> events) {
    byte[] pending = contract.pendingSetHash();
    if (Arrays.equals(pending, ZERO)) {
      return;
    }
    List<ValidatorEntry> entries =
        cvm.blsSets().stream()
            .filter(s -> !s.isEmpty() && Arrays.equals(CommittedSet.hashOf(s), pending))
            .findFirst()
            .orElseThrow(
                () ->
                    new RelayerException(
                        "CvmCheckpoints waits for the rotation to set 0x"
                            + HexFormat.of().formatHex(pending)
                            + ", which the CVM chain's /validators/bls no longer reports; call"
                            + " rotateValidatorSet with its entries"));
    long gas;
    try {
      gas = contract.rotate(entries);
    } catch (ChainException.Reverted e) {
      if (Arrays.equals(contract.pendingSetHash(), ZERO)) {
        LOG.info("rotation to 0x{} done by another relayer", HexFormat.of().formatHex(pending));
        return;
      }
      throw new RelayerException("rotateValidatorSet refused: " + e.getMessage(), e);
    }
    metrics.rotated();
    LOG.info("validator set rotated to 0x{} ({} gas)", HexFormat.of().formatHex(pending), gas);
    emit(
        events,
        new Event(
            Event.Kind.ROTATED,
            contract.latestHeight(),
            gas,
            "0x" + HexFormat.of().formatHex(pending)));
  }
}
