package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.Transactor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Builds an {@link Aggregator} wired to the chain through the readers and writers. */
public final class ChainAggregatorPorts {
  private ChainAggregatorPorts() {}

  /**
   * @param aggregatorAccount the account holding the task manager's aggregator role
   * @param fromBlock where event scans start (the deployment block)
   */
  public static Aggregator aggregator(
      Transactor aggregatorAccount,
      String taskManager,
      String registry,
      long fromBlock,
      Duration aggregationWindow,
      Path dataDirectory,
      ScheduledExecutorService scheduler) {
    TaskManagerReader tasks = new TaskManagerReader(aggregatorAccount, taskManager);
    TaskManagerWriter writer = new TaskManagerWriter(aggregatorAccount, taskManager);
    RegistryReader registryReader = new RegistryReader(aggregatorAccount, registry);
    AggregatorPorts.ResponseSubmitter submitter =
        new AggregatorPorts.ResponseSubmitter() {
          @Override
          public AggregatorPorts.Submitted respond(
              CvmTask task, TaskResponse response, NonSignerStakesAndSignature signature) {
            TransactionReceipt r = writer.respondToTask(task, response, signature);
            return new AggregatorPorts.Submitted(
                r.getTransactionHash(),
                r.getBlockNumber().longValueExact(),
                r.getGasUsed().longValueExact());
          }

          @Override
          public boolean isResponded(long taskIndex) {
            return tasks.isResponded(taskIndex);
          }

          @Override
          public boolean hasPending() {
            return aggregatorAccount.hasPending();
          }
        };
    return new Aggregator(
        new Aggregator.Settings(
            aggregatorAccount.chainId(),
            taskManager,
            tasks.taskResponseWindowBlock(),
            aggregationWindow),
        index -> tasks.findTask(index, fromBlock),
        new ChainOperatorSetLoader(registryReader, fromBlock),
        registryReader::checkSignaturesIndices,
        submitter,
        tasks::blockNumber,
        dataDirectory,
        scheduler);
  }
}
