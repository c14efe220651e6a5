package io.cvmavs.operator.consensus;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.consensus.app.CometGenesis;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.validators.StakeAggregatorSource;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.chain.RpcStakeReader;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs consensus genesis}: the CometBFT genesis of the CVM chain from live contracts —
 * the stake aggregator's validator set of the epoch containing {@code --block} (Ed25519 keys and
 * powers), each validator's BLS keys from the AVS registry's {@code NewPubkeyRegistration} events,
 * consensus params with vote extensions from height 1, and the app state (manuscripts, CVM block
 * schedule, epochs).
 */
@Command(
    name = "genesis",
    mixinStandardHelpOptions = true,
    description = {
      "Write a CometBFT v0.38 genesis.json for the CVM chain: validators and powers from the stake",
      "aggregator, BLS keys from the AVS registry, vote extensions enabled at height 1."
    })
public final class ConsensusGenesisCommand extends CliCommand {
  @Option(
      names = "--stake-config",
      required = true,
      paramLabel = "FILE",
      description = "stake.yaml (stake-aggregator/README.md)")
  Path stakeConfig;

  @Option(
      names = "--chain-id",
      required = true,
      paramLabel = "ID",
      description = "CometBFT chain id of the CVM chain")
  String chainId;

  @Option(
      names = "--manuscript",
      required = true,
      paramLabel = "FILE",
      description = "a registered manuscript (repeatable)")
  List<Path> manuscripts;

  @Option(
      names = "--cvm-genesis-block",
      required = true,
      paramLabel = "N",
      description = "first Ethereum block of CVM block 0")
  long cvmGenesisBlock;

  @Option(
      names = "--blocks-per-cvm-block",
      required = true,
      paramLabel = "N",
      description = "Ethereum blocks per CVM block")
  long blocksPerCvmBlock;

  @Option(
      names = "--block",
      paramLabel = "N",
      description = "Ethereum block (default: latest); the set of its epoch is used")
  Long block;

  @Option(names = "--genesis-time", paramLabel = "RFC3339", description = "default: now")
  String genesisTime;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "genesis.json to write")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (cvmGenesisBlock < 0 || blocksPerCvmBlock < 1 || (block != null && block < 0)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--cvm-genesis-block and --block must be >= 0, --blocks-per-cvm-block >= 1");
    }
    Instant time = genesisTime == null ? Instant.now() : Instant.parse(genesisTime);
    List<byte[]> hashes = new ArrayList<>();
    for (Path m : manuscripts) {
      hashes.add(Keccak.hash(Files.readAllBytes(m)));
    }
    StakeConfig cfg = StakeConfigLoader.load(stakeConfig);
    {
      Genesis genesis = genesis(cfg, block, hashes, cvmGenesisBlock, blocksPerCvmBlock);
      GenesisState app = genesis.app();
      BlsValidatorSet set = app.validators();
      Map<String, String> names = genesis.names();
      long epoch = app.epoch();
      long boundary = genesis.boundary();
      DurableFiles.replace(
          out,
          CometGenesis.text(CometGenesis.json(chainId, time, app, names))
              .getBytes(StandardCharsets.UTF_8));
      spec.commandLine()
          .getErr()
          .printf(
              "wrote %s: %d validators (epoch %d, Ethereum block %d), %d manuscripts%n",
              out, set.size(), epoch, boundary, hashes.size());
      for (BlsValidator v : set.entries()) {
        spec.commandLine()
            .getErr()
            .printf("  %s power %d%n", v.consensusKey().addressHex(), v.power());
      }
    }
    return 0;
  }

  /**
   * The CVM chain's genesis from live contracts (what this command writes; the devnet starts its
   * chain with it too).
   *
   * @param app the app state: the stake aggregator's set of the epoch containing {@code block} with
   *     each validator's registered BLS keys
   * @param names operator address per consensus key hex
   * @param boundary the Ethereum block the set was read at
   */
  public record Genesis(GenesisState app, Map<String, String> names, long boundary) {}

  /**
   * @param block Ethereum block whose epoch's set is used ({@code null}: latest)
   */
  public static Genesis genesis(
      StakeConfig cfg,
      Long block,
      List<byte[]> manuscriptHashes,
      long cvmGenesisBlock,
      long blocksPerCvmBlock) {
    try (BatchRpc batch = new BatchRpc(cfg.ethRpcUrl().toString(), cfg.maxCallsPerRequest())) {
      StakeAggregator aggregator = new StakeAggregator(new RpcStakeReader(batch, cfg), cfg);
      RpcClient rpc = ChainAccess.read(cfg.ethRpcUrl(), Optional.empty());
      long at = block != null ? block : rpc.blockNumber();
      long epoch = aggregator.schedule().epochOf(at);
      long boundary = aggregator.schedule().boundary(epoch);
      BlsValidatorSet set =
          new StakeAggregatorSource(
                  aggregator,
                  new RegistryBlsKeys(new RegistryReader(rpc, cfg.contract(StakeConfig.REGISTRY))))
              .epochSet(epoch);
      Map<String, String> names = new HashMap<>();
      aggregator
          .epochSet(epoch)
          .operators()
          .forEach(o -> o.key().ifPresent(k -> names.put(k.hex(), o.operator())));
      GenesisState app =
          new GenesisState(
              "eth",
              cvmGenesisBlock,
              blocksPerCvmBlock,
              cfg.epochGenesisBlock(),
              cfg.epochLengthBlocks(),
              Math.max(0, cvmGenesisBlock - 1),
              epoch,
              manuscriptHashes,
              set);
      return new Genesis(app, names, boundary);
    }
  }
}
