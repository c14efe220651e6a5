package io.cvmavs.operator.devnet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.cvm.task.ManuscriptResolver;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.operator.monitor.RpcMonitorChain;
import io.cvmavs.operator.rewards.LocalRootPoster;
import io.cvmavs.operator.rewards.RewardsRunner;
import io.cvmavs.operator.taskgen.TaskFeeKeeper;
import io.cvmavs.operator.taskgen.TaskGenerator;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.web3j.crypto.Hash;

/**
 * Issue 21 on the devnet: task fees and the rewards loop, with the classes of {@code task-generator
 * --fee} ({@link TaskFeeKeeper}) and {@code rewards run --post-roots} ({@link RewardsRunner}).
 *
 * <ul>
 *   <li>The fee account ({@link DevnetRun#feeAccount}: a consumer of the devnet's manuscript, and
 *       the AVS's rewards initiator and the coordinator stand-in's rewards updater) escrows {@link
 *       #FEE} `$C` for every task the generator creates, on its own thread (the generator does not
 *       wait for it); refunds go back to it.
 *   <li>{@link #createUnanswered}: one task nobody can answer, so its fee is refunded after the
 *       deadline (see there).
 *   <li>{@link #settle}: after the tasks and challenges, the rewards runner releases the responded
 *       tasks' fees, submits one operator-directed submission split by signed stake (operators
 *       slashed for a wrong result excluded), posts the root; one honest operator claims its share.
 * </ul>
 */
final class DevnetRewards implements AutoCloseable {
  /** The fee per task: 1 `$C`. */
  static final BigInteger FEE = BigInteger.TEN.pow(18);

  /** One operator's part of the rewards submission(s). */
  record Share(String name, String operator, BigInteger amount, double percent) {}

  /** What the fee and rewards loop did (amounts in the token's smallest unit). */
  record Outcome(
      BigInteger escrowed,
      BigInteger released,
      BigInteger refunded,
      BigInteger held,
      long unansweredTask,
      boolean unansweredRefunded,
      int submissions,
      BigInteger submitted,
      List<Share> shares,
      long rootIndex,
      Optional<Share> claimed) {
    /** The escrow's invariant: escrowed = released + refunded + held. */
    boolean conserved() {
      return escrowed.equals(released.add(refunded).add(held));
    }

    void print(PrintWriter out) {
      out.printf(
          "  %-32s escrowed %s, released %s, refunded %s, held %s%s%n",
          "task fees ($C)",
          c(escrowed),
          c(released),
          c(refunded),
          c(held),
          conserved() ? "" : "  (NOT CONSERVED: escrowed != released + refunded + held)");
      out.printf(
          "  %-32s %s%n",
          "unanswered task",
          unansweredTask < 0
              ? "-"
              : "task "
                  + unansweredTask
                  + (unansweredRefunded ? ", fee refunded" : ", fee not refunded (yet)"));
      out.printf(
          "  %-32s %d submission(s), %s $C, root %s%n",
          "rewards submitted",
          submissions,
          c(submitted),
          rootIndex < 0 ? "not posted" : rootIndex + " posted");
      for (Share s : shares) {
        out.printf(
            "  %-32s %s $C (%.1f %%)%n", "reward share " + s.name(), c(s.amount()), s.percent());
      }
      claimed.ifPresent(
          s -> out.printf("  %-32s %s by %s%n", "rewards claimed ($C)", c(s.amount()), s.name()));
    }

    void toJson(ObjectNode root) {
      ObjectNode n = root.putObject("rewards");
      n.put("fee_per_task", FEE.toString());
      n.put("fees_escrowed", escrowed.toString());
      n.put("fees_released", released.toString());
      n.put("fees_refunded", refunded.toString());
      n.put("fees_held", held.toString());
      n.put("fees_conserved", conserved());
      n.put("unanswered_task", unansweredTask);
      n.put("unanswered_refunded", unansweredRefunded);
      n.put("submissions", submissions);
      n.put("submitted", submitted.toString());
      n.put("root_index", rootIndex);
      ArrayNode list = n.putArray("shares");
      for (Share s : shares) {
        list.addObject()
            .put("operator", s.name())
            .put("address", s.operator())
            .put("amount", s.amount().toString())
            .put("percent", s.percent());
      }
      claimed.ifPresent(
          s ->
              n.putObject("claimed")
                  .put("operator", s.name())
                  .put("amount", s.amount().toString()));
    }
  }

  private final AnvilNode anvil;
  private final Deployments d;
  private final Transactor owner;
  private final Transactor payer;
  private final int operators;
  private final List<String> faulty;
  private final Path workDirectory;
  private final Consumer<String> step;
  private final long fromBlock;
  private final String token;
  private final RewardsContracts at;
  private final RewardsReader reader;
  private final RewardsWriter writer;
  private final TaskManagerReader taskManager;
  private final TaskFeeKeeper keeper;
  private final ScheduledExecutorService refunds;
  private CvmTask unanswered;

  /**
   * Mints the payer's fees (account 0 is the `$C` minter) and approves the escrow once (so a task
   * costs the payer one transaction, the escrow), and starts the keeper's refund steps (every
   * second, as {@code task-generator --fee} does on its poll).
   *
   * @param owner account 0's transactor (the task generator's and the manuscript owner's)
   * @param payerAccount the fee payer and rewards initiator
   */
  DevnetRewards(
      AnvilNode anvil,
      Deployments d,
      Transactor owner,
      int payerAccount,
      int operators,
      List<String> faulty,
      Path workDirectory,
      Consumer<String> step) {
    this.anvil = anvil;
    this.d = d;
    this.owner = owner;
    this.payer =
        io.cvmavs.chain.rpc.ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(payerAccount).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    this.operators = operators;
    this.faulty = List.copyOf(faulty);
    this.workDirectory = workDirectory;
    this.step = step;
    this.fromBlock = Long.parseLong(d.values().getOrDefault("deploymentBlock", "0"));
    this.token = d.address("CToken").toLowerCase(Locale.ROOT);
    this.at =
        new RewardsContracts(
            d.address("CvmServiceManager"),
            d.address("RewardsCoordinator"),
            d.address("CvmTaskFees"));
    this.reader = new RewardsReader(payer.reader(), at);
    this.writer = new RewardsWriter(payer, at);
    this.taskManager = new TaskManagerReader(payer, d.address("CvmTaskManager"));
    StakingWriter tokens = new StakingWriter(payer, d.address("CStaking"));
    BigInteger budget = FEE.multiply(BigInteger.valueOf(10_000));
    new StakingWriter(owner, d.address("CStaking")).mint(token, payer.address(), budget);
    tokens.approve(token, at.taskFees(), budget);
    this.keeper =
        new TaskFeeKeeper(
            new TaskFeeKeeper.Policy(token, FEE, payer.address()),
            payer.address(),
            at.taskFees(),
            reader,
            writer,
            tokens,
            taskManager,
            fromBlock);
    this.refunds =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("devnet-task-fees").daemon().factory());
    refunds.scheduleWithFixedDelay(this::keeperStep, 1, 1, TimeUnit.SECONDS);
    step.accept(
        String.format(
            "rewards: every task carries a fee of %s $C, escrowed in CvmTaskFees %s by %s (account"
                + " %d, also the rewards initiator)",
            c(FEE), at.taskFees(), payer.address(), payerAccount));
  }

  /**
   * Escrows {@code task}'s fee on the keeper's thread (a failed escrow is retried by its next step
   * while the task's deadline has not passed).
   */
  void escrowFor(CvmTask task) {
    refunds.execute(() -> keeper.escrowFor(task));
  }

  private void keeperStep() {
    try {
      TaskFeeKeeper.Settled s = keeper.step();
      if (s.refunded() > 0) {
        step.accept(
            String.format(
                "rewards: %d unanswered task fee(s) refunded to %s after the deadline",
                s.refunded(), payer.address()));
      }
    } catch (RuntimeException e) {
      // the next tick tries again (as task-generator --fee does)
    }
  }

  /**
   * One task no node can answer, with its fee: the owner registers a second manuscript whose file
   * it never publishes (its {@code file://} locator in the run folder names a file that does not
   * exist) and tasks it for the CVM block of {@code like}, with that block's real input commitment.
   * Every node resolves a task's manuscript through the registry, cannot fetch this one and refuses
   * the task ({@code refused-manuscript-fetch}, final), so no quorum is ever reached and the fee is
   * refunded once the task manager's response window (100 blocks on the devnet) has passed. The
   * task is created after the first task, so part of the window elapses while the other tasks,
   * challenges and anchoring run; {@link #settle} mines the rest at once. Nothing else is faked:
   * the nodes' refusal, the missing response and the escrow's deadline check are the real ones. The
   * task generator ignores the task: it resumes only from tasks of its own manuscript.
   */
  void createUnanswered(TaskGenerator.Chain chain, CvmTask like, int thresholdPercent) {
    byte[] content =
        ("# cvm-avs devnet: a manuscript registered but never published (" + workDirectory + ")\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] hash = Hash.sha3(content);
    URI locator = workDirectory.resolve("unpublished-manuscript.yaml").toUri();
    new ManuscriptRegistryWriter(owner, d.address("CvmManuscriptRegistry"))
        .register(hash, ManuscriptResolver.sha256(content), locator.toString());
    unanswered =
        chain.createTask(
            like.cvmBlockHeight(),
            hash,
            like.inputCommitment(),
            like.quorumNumbers(),
            thresholdPercent);
    escrowFor(unanswered);
    step.accept(
        String.format(
            "rewards: task %d created with a fee for manuscript %s, registered but never published"
                + " (%s): no node can run it, so it stays unanswered and its fee is refunded after"
                + " block %d",
            unanswered.taskIndex(),
            Bytes32.hex(hash),
            locator,
            unanswered.taskCreatedBlock() + taskManager.taskResponseWindowBlock()));
  }

  /**
   * After the tasks and challenges: waits for the unanswered task's refund, runs the rewards runner
   * (release, submission, root) once the coordinator's interval after the last response has passed,
   * lets the first honest operator with a share claim it, and reads the escrow's totals.
   */
  Outcome settle(boolean fastForward) throws InterruptedException {
    long started = System.nanoTime();
    boolean refunded = awaitRefund(fastForward);
    if (!fastForward) {
      // --keep-running: the summary is not held back (releasing every answered task's fee takes a
      // transaction each); `rewards run`'s loop runs in the background from now on, and the
      // summary shows the fees and shares so far.
      RewardsRunner runner = runner();
      refunds.scheduleWithFixedDelay(() -> followPeriod(runner), 0, 30, TimeUnit.SECONDS);
      step.accept(
          "rewards: the rewards runner steps every 30 s in the background while the devnet runs;"
              + " the summary shows the fees so far");
      return outcome(refunded, shares(), reader.distributionRootsLength() - 1, Optional.empty());
    }
    awaitPeriodAfterLastResponse();
    RewardsRunner runner = runner();
    long rootIndex = -1;
    for (int attempt = 0; attempt < 10; attempt++) {
      RewardsRunner.Outcome o = runner.step();
      if (o.feesReleased() > 0) {
        step.accept(
            String.format(
                "rewards: %d responded task fee(s) released to the reward pool (CvmServiceManager"
                    + " %s)",
                o.feesReleased(), at.serviceManager()));
      }
      o.submitted()
          .ifPresent(
              s ->
                  step.accept(
                      String.format(
                          "rewards: submission of %s $C for [%d, %d) split by signed stake: %s",
                          c(s.total()),
                          s.startTimestamp(),
                          s.startTimestamp() + s.duration(),
                          describe(s))));
      if (o.root().isPresent()) {
        rootIndex = o.root().get().rootIndex();
        step.accept(
            String.format(
                "rewards: distribution root %d posted by the local root poster, covering up to %d",
                rootIndex, o.root().get().calculationEnd()));
        break;
      }
      if (o.period().isPresent()) {
        if (o.submitted().isEmpty()) {
          step.accept("rewards: the period had nothing to pay (no responded task, or no fees)");
        }
        break;
      }
      Thread.sleep(2_000); // a transaction of account 0 pending, or no complete period yet
    }
    List<Share> shares = shares();
    Optional<Share> claimed = rootIndex < 0 ? Optional.empty() : claim(shares);
    Outcome o = outcome(refunded, shares, rootIndex, claimed);
    step.accept(
        String.format(
            "rewards: settled in %.1f s (refund, release, submission, root, claim)",
            (System.nanoTime() - started) / 1e9));
    return o;
  }

  /**
   * The outcome as the chain shows it now: the escrow's totals, the submissions made so far and
   * {@code shares} with their sum; {@code refunded}: the unanswered task's fee was refunded.
   */
  private Outcome outcome(
      boolean refunded, List<Share> shares, long rootIndex, Optional<Share> claimed) {
    RewardsReader.FeeTotals totals = reader.feeTotals(token);
    return new Outcome(
        totals.escrowed(),
        totals.released(),
        totals.refunded(),
        totals.held(),
        unanswered == null ? -1 : unanswered.taskIndex(),
        refunded,
        reader.submissions(at.serviceManager(), fromBlock, reader.head()).size(),
        shares.stream().map(Share::amount).reduce(BigInteger.ZERO, BigInteger::add),
        shares,
        rootIndex,
        claimed);
  }

  /** The rewards runner of {@code rewards run --post-roots}, on the payer's account. */
  private RewardsRunner runner() {
    return new RewardsRunner(
        payer.reader(),
        at,
        writer,
        new RpcMonitorChain(
            URI.create(anvil.rpcUrl()),
            d.address("CvmRegistry"),
            d.address("CvmTaskManager"),
            fromBlock),
        taskManager,
        new RewardsRunner.Settings(
            0,
            token,
            List.of(
                new RewardsSubmission.StrategyMultiplier(
                    d.address("Strategy"), BigInteger.TEN.pow(18))),
            fromBlock,
            true),
        workDirectory.resolve("rewards").resolve("progress.json"),
        // The payer's sends are serialised on one transactor and each waits for its receipt,
        // so a step never overlaps its own submission; asking the node for pending transactions
        // would hold the step off while the keeper's escrows are in flight.
        () -> false);
  }

  /** One further step of the runner while the devnet keeps running. */
  private void followPeriod(RewardsRunner runner) {
    try {
      RewardsRunner.Outcome o = runner.step();
      if (o.submitted().isEmpty() && o.feesReleased() > 0) {
        step.accept(String.format("rewards: %d responded task fee(s) released", o.feesReleased()));
      }
      o.root()
          .ifPresent(
              r ->
                  step.accept(
                      String.format(
                          "rewards: distribution root %d posted, covering up to %d",
                          r.rootIndex(), r.calculationEnd())));
      o.submitted()
          .ifPresent(
              s ->
                  step.accept(
                      String.format(
                          "rewards: %d fee(s) released; submission of %s $C for [%d, %d): %s",
                          o.feesReleased(),
                          c(s.total()),
                          s.startTimestamp(),
                          s.startTimestamp() + s.duration(),
                          describe(s))));
    } catch (RuntimeException e) {
      step.accept("rewards: a step failed (trying again in 30 s): " + e.getMessage());
    }
  }

  /**
   * Waits until the unanswered task's fee is refunded (the keeper's step does it once the block is
   * past the deadline). The devnet's response window is 100 blocks (≈ 100 s at 1-second blocks),
   * longer than a short run; with {@code fastForward} the rest of it is mined at once ({@code
   * anvil_mine}: the devnet's chain, its clock) instead of waited for, so the refund costs seconds.
   * Without it (the devnet keeps running and tasking) nothing is mined: the keeper refunds the fee
   * when the window has passed, and the summary shows it held.
   */
  private boolean awaitRefund(boolean fastForward) throws InterruptedException {
    if (unanswered == null) {
      return false;
    }
    long deadline = unanswered.taskCreatedBlock() + taskManager.taskResponseWindowBlock();
    long head = anvil.blockNumber();
    if (head <= deadline) {
      if (!fastForward) {
        step.accept(
            String.format(
                "rewards: task %d's fee is refunded after block %d (head %d), while the devnet"
                    + " keeps running",
                unanswered.taskIndex(), deadline, head));
        return refundedEvent();
      }
      step.accept(
          String.format(
              "rewards: mining the %d block(s) left of task %d's response window (to block %d) at"
                  + " once instead of waiting for them",
              deadline - head + 1, unanswered.taskIndex(), deadline));
      anvil.mine((int) (deadline - head + 1));
    }
    long until = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < until) {
      if (refundedEvent()) {
        return true;
      }
      Thread.sleep(500);
    }
    return refundedEvent();
  }

  private boolean refundedEvent() {
    return reader
        .feeEvents(io.cvmavs.chain.abi.Events.FEE_REFUNDED, fromBlock, reader.head())
        .stream()
        .anyMatch(
            v -> ((BigInteger) v.get("taskIndex")).longValueExact() == unanswered.taskIndex());
  }

  /**
   * Submissions must be retroactive and aligned to the coordinator's interval (10 s on the devnet):
   * the period that holds the last response can be submitted once the chain's time is past its end.
   */
  private void awaitPeriodAfterLastResponse() throws InterruptedException {
    List<TaskManagerAbi.TaskResponded> responses =
        taskManager.responses(fromBlock, taskManager.blockNumber());
    if (responses.isEmpty()) {
      return;
    }
    long last =
        responses.stream().mapToLong(TaskManagerAbi.TaskResponded::blockNumber).max().orElseThrow();
    RpcMonitorChain chain =
        new RpcMonitorChain(
            URI.create(anvil.rpcUrl()),
            d.address("CvmRegistry"),
            d.address("CvmTaskManager"),
            fromBlock);
    long interval = reader.rules().calculationIntervalSeconds();
    long end = (chain.blockTimestamp(last) / interval + 1) * interval;
    long waitUntil = System.currentTimeMillis() + (interval + 30) * 1000;
    while (chain.blockTimestamp(anvil.blockNumber()) <= end
        && System.currentTimeMillis() < waitUntil) {
      Thread.sleep(500);
    }
  }

  /** Every operator's submitted amount and share of the total. */
  private List<Share> shares() {
    List<String> names = new ArrayList<>();
    List<BigInteger> amounts = new ArrayList<>();
    BigInteger total = BigInteger.ZERO;
    for (int i = 1; i <= operators; i++) {
      BigInteger a =
          reader.earnedBy(
              at.serviceManager(), anvil.account(i).address(), token, fromBlock, reader.head());
      names.add("operator-" + i);
      amounts.add(a);
      total = total.add(a);
    }
    List<Share> out = new ArrayList<>();
    for (int i = 0; i < operators; i++) {
      double percent =
          total.signum() == 0
              ? 0
              : new BigDecimal(amounts.get(i))
                  .multiply(BigDecimal.valueOf(100))
                  .divide(new BigDecimal(total), 4, java.math.RoundingMode.HALF_EVEN)
                  .doubleValue();
      out.add(
          new Share(
              names.get(i),
              anvil.account(i + 1).address().toLowerCase(Locale.ROOT),
              amounts.get(i),
              percent));
    }
    return out;
  }

  /**
   * The first honest operator with a share claims it with the proof rebuilt from the submissions
   * ({@code cvm-avs rewards --claim}'s path), from its own account.
   */
  private Optional<Share> claim(List<Share> shares) {
    for (int i = 0; i < shares.size(); i++) {
      Share s = shares.get(i);
      if (faulty.contains(s.name()) || s.amount().signum() == 0) {
        continue;
      }
      LocalRootPoster.RewardsClaimOrReason c =
          new LocalRootPoster(reader, writer, at.serviceManager(), fromBlock)
              .claimFor(s.operator());
      if (c.claim() == null) {
        step.accept("rewards: " + s.name() + " cannot claim: " + c.reason());
        return Optional.empty();
      }
      step.accept(
          String.format(
              "rewards: %s can claim %s $C (earned %s, claimed %s); claiming it",
              s.name(),
              c(s.amount().subtract(reader.cumulativeClaimed(s.operator(), token))),
              c(s.amount()),
              c(reader.cumulativeClaimed(s.operator(), token))));
      Transactor operatorTx =
          Transactor.of(anvil.web3j(), anvil.account(i + 1).credentials(), anvil.chainId());
      try {
        new RewardsWriter(operatorTx, at).processClaim(c.claim(), s.operator());
      } catch (RuntimeException e) {
        step.accept("rewards: " + s.name() + "'s claim failed: " + e.getMessage());
        return Optional.empty();
      }
      BigInteger claimed = reader.cumulativeClaimed(s.operator(), token);
      step.accept(
          String.format(
              "rewards: %s claimed %s $C (its $C balance is now %s)",
              s.name(), c(claimed), c(reader.tokenBalance(token, s.operator()))));
      return Optional.of(new Share(s.name(), s.operator(), claimed, s.percent()));
    }
    return Optional.empty();
  }

  private String describe(RewardsSubmission s) {
    List<String> parts = new ArrayList<>();
    for (int i = 1; i <= operators; i++) {
      String address = anvil.account(i).address();
      BigInteger amount =
          s.rewards().stream()
              .filter(r -> r.operator().equalsIgnoreCase(address))
              .map(RewardsSubmission.OperatorReward::amount)
              .findFirst()
              .orElse(BigInteger.ZERO);
      String name = "operator-" + i;
      parts.add(
          name
              + " "
              + c(amount)
              + (amount.signum() == 0 && faulty.contains(name) ? " (slashed: excluded)" : ""));
    }
    return String.join(", ", parts);
  }

  /** An amount of 18-decimal `$C`, as a plain decimal. */
  static String c(BigInteger amount) {
    BigDecimal v = new BigDecimal(amount, 18).stripTrailingZeros();
    return v.scale() > 6
        ? v.setScale(6, java.math.RoundingMode.DOWN).toPlainString()
        : v.toPlainString();
  }

  @Override
  public void close() {
    refunds.shutdownNow();
    payer.web3j().shutdown();
  }
}
