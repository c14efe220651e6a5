package io.cvmavs.operator.cvmtasks;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.RegisteredManuscript;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.ManuscriptDirectory;
import io.cvmavs.cvm.task.ManuscriptFetcher;
import io.cvmavs.cvm.task.ManuscriptResolver;
import io.cvmavs.cvm.task.TaskInput;
import io.cvmavs.cvm.task.TaskResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.Web3j;

/**
 * The operator's task manager types ↔ the CVM's task values: a task on chain becomes the CVM's
 * {@link TaskInput} (the quorum fields stay behind), the CVM's {@link TaskResult} the {@code
 * TaskResponse} operators sign.
 */
public final class CvmTasks {
  private CvmTasks() {}

  /**
   * The CVM task computer a node, challenger or task generator runs: chain {@code eth}, CVM block 0
   * starting at {@code genesisBlock} (default: the block after {@code deploymentBlock}), {@code
   * span} chain blocks per CVM block, ingesting over {@code ingest} into {@code dataDirectory}.
   */
  public static CvmTaskComputer computer(
      Optional<Long> genesisBlock,
      long deploymentBlock,
      long span,
      List<AttestedManuscript> manuscripts,
      Web3j ingest,
      Path dataDirectory) {
    return new CvmTaskComputer(
        new CvmTaskComputer.Settings(
            "eth", new BlockSchedule(genesisBlock.orElse(deploymentBlock + 1), span)),
        manuscripts,
        ingest,
        dataDirectory);
  }

  /**
   * The on-chain manuscript registry as the CVM reads it: an entry with status {@code NONE} is no
   * listing.
   */
  public static ManuscriptDirectory directory(ManuscriptRegistryReader registry) {
    return hash ->
        registry
            .manuscriptOf(hash)
            .map(
                m ->
                    new ManuscriptDirectory.Listing(
                        m.contentHash(),
                        switch (m.status()) {
                          case ACTIVE -> ManuscriptDirectory.Status.ACTIVE;
                          case DEPRECATED -> ManuscriptDirectory.Status.DEPRECATED;
                          case REVOKED -> ManuscriptDirectory.Status.REVOKED;
                          case NONE -> throw new IllegalStateException("unreachable");
                        },
                        m.locator()));
  }

  /**
   * Makes {@code computer} resolve task manuscripts through the registry at {@code registry} (issue
   * 14): fetched files cached under {@code dataDirectory/manuscripts}, {@code file://} locators
   * only below {@code locatorDirs}, {@code ipfs://} / {@code ar://} through {@code gateways}, HTTP
   * fetches bounded by 10 s.
   */
  public static CvmTaskComputer resolvingFrom(
      CvmTaskComputer computer,
      ManuscriptRegistryReader registry,
      List<Path> locatorDirs,
      ManuscriptFetcher.Gateways gateways,
      Path dataDirectory) {
    return computer.resolveFrom(
        new ManuscriptResolver(
            directory(registry),
            new ManuscriptFetcher(locatorDirs, gateways, Duration.ofSeconds(10)),
            dataDirectory.resolve("manuscripts"),
            "eth"));
  }

  /**
   * Every Active manuscript of the registry, resolved as a task's would be (fetched, both hashes
   * checked, cached under {@code dataDirectory/manuscripts}); one that cannot be resolved is
   * reported on {@code log} and left out (a task naming it is refused with the reason).
   */
  public static List<AttestedManuscript> registered(
      ManuscriptRegistryReader registry,
      List<Path> locatorDirs,
      ManuscriptFetcher.Gateways gateways,
      Path dataDirectory,
      java.util.function.Consumer<String> log) {
    ManuscriptResolver resolver =
        new ManuscriptResolver(
            directory(registry),
            new ManuscriptFetcher(locatorDirs, gateways, Duration.ofSeconds(10)),
            dataDirectory.resolve("manuscripts"),
            "eth");
    List<AttestedManuscript> out = new java.util.ArrayList<>();
    for (RegisteredManuscript m : registry.all()) {
      if (m.status() != RegisteredManuscript.Status.ACTIVE) {
        continue;
      }
      try {
        AttestedManuscript a = resolver.resolve(m.manuscriptHash());
        out.add(a);
        log.accept(
            "manuscript "
                + m.hashHex()
                + " resolved from CvmManuscriptRegistry "
                + registry.address()
                + " ("
                + m.locator()
                + ")"
                + a.refusal().map(r -> "; cannot be attested here: " + r).orElse(""));
      } catch (io.cvmavs.cvm.task.TaskRefusedException e) {
        log.accept("registered manuscript " + m.hashHex() + " left out: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * Whether a task generator may create a task for {@code manuscriptHash}: Active in the registry.
   */
  public static Optional<String> notActive(
      ManuscriptRegistryReader registry, byte[] manuscriptHash) {
    Optional<RegisteredManuscript> m = registry.manuscriptOf(manuscriptHash);
    if (m.isEmpty()) {
      return Optional.of("not registered in CvmManuscriptRegistry " + registry.address());
    }
    if (m.get().status() != RegisteredManuscript.Status.ACTIVE) {
      return Optional.of(
          m.get().status().label() + " in CvmManuscriptRegistry " + registry.address());
    }
    return Optional.empty();
  }

  public static TaskInput input(CvmTask task) {
    return new TaskInput(
        task.taskIndex(), task.cvmBlockHeight(), task.manuscriptHash(), task.inputCommitment());
  }

  public static TaskResponse response(TaskResult result) {
    return new TaskResponse(
        result.taskIndex(), result.cvmBlockHash(), result.datasetRoot(), result.stateRoot());
  }
}
