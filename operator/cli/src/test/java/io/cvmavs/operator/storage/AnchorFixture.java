package io.cvmavs.operator.storage;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.command.CliContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import picocli.CommandLine;

/**
 * What the anchoring ITs ({@code StorageCommandIT}, {@code CvmChainAnchoringIT}) share: the real
 * deployment with the submitter's keystore ({@code submitter.json}, anvil account 0) next to the
 * {@code anchor.yaml} they write, and the CLI run as a user runs it.
 */
final class AnchorFixture {
  private AnchorFixture() {}

  /** Deploys with the forge deploy script and writes {@code dir/submitter.json}. */
  static Deployments deployWithSubmitter(AnvilNode anvil, Path dir, String password) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    EcdsaKeystore.write(
        dir.resolve("submitter.json"),
        anvil.account(0).credentials().getEcKeyPair(),
        password.toCharArray(),
        ScryptParams.LIGHT,
        new SecureRandom());
    return d;
  }

  /** Runs {@code cvm-avs} with the keystore password in the environment; output accumulates. */
  static final class Cli {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private final String password;

    Cli(String password) {
      this.password = password;
    }

    int run(String... args) {
      CommandLine cli =
          CvmAvsCommand.commandLine(
              new CliContext(Map.of("OPERATOR_ECDSA_KEY_PASSWORD", password)::get));
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      return cli.execute(args);
    }

    /** Forgets what earlier runs printed. */
    void clear() {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
    }
  }
}
