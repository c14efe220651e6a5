package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs keys show FILE}: the public data of a keystore as JSON. BLS keystores are
 * decrypted (the G2 public key is not stored) and checked against their declared pubKey; ECDSA
 * keystores too, so a wrong password or a tampered file is reported rather than printed.
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Print a keystore's public data as JSON: ECDSA address; BLS pubkeyG1 {x,y}, pubkeyG2 {x:[a1,a0],y:[a1,a0]}",
      "(EVM order) and operatorId. Decrypts the keystore to check it (password from the environment or a prompt)."
    })
public final class KeysShowCommand extends CliCommand {
  @Parameters(
      paramLabel = "FILE",
      description = "BLS (eigensdk), ECDSA (Web3 Secret Storage) or Ed25519 keystore.")
  Path file;

  @Override
  public Integer call() {
    JsonNode keystore = KeystoreAccess.readJson(file);
    KeystoreAccess access = new KeystoreAccess(CliContext.of(spec));
    String json =
        switch (KeyType.detect(keystore, file)) {
          case BLS -> KeyJson.blsPublic(access.openBls(file)).toPrettyString();
          case ECDSA ->
              KeyJson.ecdsaPublic(EcdsaKeystore.address(access.openEcdsa(file))).toPrettyString();
          case ED25519 -> KeyJson.ed25519Public(access.openEd25519(file)).toPrettyString();
        };
    spec.commandLine().getOut().println(json);
    return 0;
  }
}
