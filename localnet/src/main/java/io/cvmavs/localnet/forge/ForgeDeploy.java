package io.cvmavs.localnet.forge;

import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.process.LocalProcessException;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.localnet.process.ToolRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deploys the project's contracts with the real deploy script ({@code
 * contracts/script/Deploy.s.sol}) through {@code forge script --broadcast}, exactly as the devnet
 * and operators do. The script writes the deployment JSON (one key per contract); read it with
 * {@code io.cvmavs.contracts.Deployments}.
 */
public final class ForgeDeploy {
  public static final String SCRIPT = "contracts/script/Deploy.s.sol:Deploy";
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private ForgeDeploy() {}

  /**
   * Deploys to {@code anvil} from dev account 0 into a fresh file under the repository's {@code
   * target/}.
   */
  public static Path deploy(AnvilNode anvil) {
    RepoLayout repo = RepoLayout.locate();
    Path out = Path.of("target", "deployments", "deploy-" + UUID.randomUUID() + ".json");
    Path log =
        Path.of("target", "localnet", "forge-deploy-" + anvil.port() + ".log").toAbsolutePath();
    return deploy(repo, anvil.rpcUrl(), anvil.account(0).privateKeyHex(), out, log, Map.of());
  }

  /**
   * Runs the deploy script.
   *
   * @param out deployment JSON to write, relative to the repository root (forge's fs_permissions
   *     allow {@code deployments/} and {@code target/}).
   * @param extraEnv further variables for the script (e.g. role addresses).
   * @return the absolute path of the deployment JSON.
   */
  public static Path deploy(
      RepoLayout repo,
      String rpcUrl,
      String privateKey,
      Path out,
      Path log,
      Map<String, String> extraEnv) {
    if (out.isAbsolute()) {
      throw new IllegalArgumentException(
          "deployment output must be relative to the repository root: " + out);
    }
    Path written = repo.root().resolve(out);
    try {
      // vm.writeJson does not create folders.
      Files.createDirectories(written.getParent());
    } catch (IOException e) {
      throw new LocalProcessException(
          "cannot create " + written.getParent() + ": " + e.getMessage(), e);
    }
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("DEPLOYMENTS_OUT", out.toString());
    // forge records a broadcast under <broadcast>/Deploy.s.sol/<chain id>/: one folder per
    // deployment, so that deployments to several anvils with the same chain id (tests in parallel
    // forks) do not write the same broadcast file. (forge also writes a run-latest.json under
    // cache_path, which they share; nothing here reads it.)
    env.putIfAbsent(
        "FOUNDRY_BROADCAST",
        Path.of("target", "forge-broadcast", "deploy-" + UUID.randomUUID()).toString());
    String output =
        ToolRun.run(
            List.of(
                repo.npmBinary("forge").toString(),
                "script",
                SCRIPT,
                "--rpc-url",
                rpcUrl,
                "--private-key",
                privateKey,
                "--broadcast",
                "--slow",
                "--non-interactive"),
            repo.root(),
            env,
            log,
            TIMEOUT);
    // forge exits 0 and still writes the JSON when a broadcast transaction failed on chain (e.g. a
    // contract over the EIP-170 size limit): such a deployment is half made and must not be used.
    if (output.contains("Transaction Failure") || output.contains("transaction failed")) {
      throw new LocalProcessException(
          "forge script reported a failed transaction; the deployment is incomplete (log "
              + log
              + ")");
    }
    if (!Files.isRegularFile(written)) {
      throw new LocalProcessException(
          "forge script finished but wrote no deployment file " + written + " (log " + log + ")");
    }
    return written;
  }
}
