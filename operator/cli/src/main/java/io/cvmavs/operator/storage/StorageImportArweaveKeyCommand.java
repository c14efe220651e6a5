package io.cvmavs.operator.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.crypto.keystore.JwkKeystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.keys.KeystoreOutput;
import io.cvmavs.operator.keys.NewKeystorePassword;
import io.cvmavs.storage.arweave.ArweaveWallet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs storage import-arweave-key --from JWK --out FILE}: an existing Arweave wallet (a
 * plain RSA-4096 JWK, as arweave-js and the wallet tools write it) into an encrypted JWK keystore
 * ({@link JwkKeystore}) that {@code anchor.yaml}'s {@code wallet} field opens. The key is checked
 * first (every JWK field, 4096 bits); the keystore is written once (never over an existing file),
 * owner-only. Password: {@code ARWEAVE_KEY_PASSWORD}, else asked twice; never logged.
 */
@Command(
    name = "import-arweave-key",
    mixinStandardHelpOptions = true,
    description = {
      "Encrypt an existing Arweave wallet (plain JWK) into a JWK keystore for anchor.yaml's"
          + " 'wallet' and print its address as JSON.",
      "Password (at least 8 characters): ARWEAVE_KEY_PASSWORD, else asked twice."
    })
public final class StorageImportArweaveKeyCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--from",
      required = true,
      paramLabel = "JWK",
      description = "The plain Arweave JWK file (left as it is: delete it yourself once done).")
  Path from;

  @Mixin KeystoreOutput target;

  @Override
  public Integer call() throws IOException {
    CommandLine cl = spec.commandLine();
    Path out = target.newFile(cl);
    ArweaveWallet wallet = readPlain(cl);
    char[] password =
        NewKeystorePassword.obtain(
            cl,
            CliContext.of(spec).environment(),
            PasswordSource.console(),
            JwkKeystore.ARWEAVE_PASSWORD_ENV,
            "Arweave",
            out);
    try {
      wallet.writeKeystore(out, password, target.kdf());
    } finally {
      Arrays.fill(password, '\0');
    }
    ObjectNode json = JSON.createObjectNode();
    json.put("address", wallet.address());
    json.put("keystore", out.toString());
    cl.getOut().println(json.toPrettyString());
    return 0;
  }

  /** The wallet in {@code --from}; a usage error names the file and the field (never a value). */
  private ArweaveWallet readPlain(CommandLine cl) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(from);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          cl, "--from " + from + ": cannot read: " + e.getMessage());
    }
    try {
      JsonNode jwk;
      try {
        jwk = JSON.readTree(bytes);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            cl, "--from " + from + ": not JSON (expected an Arweave JWK)");
      }
      if (jwk == null || !jwk.isObject()) {
        throw new CommandLine.ParameterException(
            cl, "--from " + from + ": not a JSON object (expected an Arweave JWK)");
      }
      if (JwkKeystore.isKeystore(jwk)) {
        throw new CommandLine.ParameterException(
            cl, "--from " + from + ": is an encrypted JWK keystore already");
      }
      ArweaveWallet wallet;
      try {
        wallet = ArweaveWallet.fromJwk(jwk);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, "--from " + from + ": " + e.getMessage());
      }
      byte[] probe = "cvm-avs import-arweave-key".getBytes(StandardCharsets.UTF_8);
      boolean signs;
      try {
        signs = ArweaveWallet.verify(wallet.owner(), probe, wallet.sign(probe));
      } catch (IllegalStateException e) {
        signs = false; // the JDK checks its CRT result and refuses to sign with mismatched fields
      }
      if (!signs) {
        throw new CommandLine.ParameterException(
            cl,
            "--from "
                + from
                + ": the JWK's private fields (d, p, q, dp, dq, qi) do not belong to its modulus"
                + " 'n' (or 'e' is not 65537): its signatures would not verify");
      }
      return wallet;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
