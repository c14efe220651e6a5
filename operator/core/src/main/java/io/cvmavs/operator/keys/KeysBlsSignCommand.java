package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bls.HashToG1;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import java.nio.file.Path;
import org.web3j.utils.Numeric;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs keys bls-sign --key FILE --digest 0x..}: signs a 32-byte digest as EigenLayer's
 * BLS does (signature = sk·hashToG1(digest)), verifies the signature with a pairing before printing
 * it.
 */
@Command(
    name = "bls-sign",
    mixinStandardHelpOptions = true,
    description =
        "Sign a 32-byte digest with a BLS keystore; prints messageG1, signature, pubkeyG1, pubkeyG2 as JSON.")
public final class KeysBlsSignCommand extends CliCommand {
  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description = "eigensdk BLS keystore.")
  Path key;

  @Option(
      names = "--digest",
      required = true,
      paramLabel = "0x<64 hex>",
      description = "The 32-byte digest.")
  String digestHex;

  @Override
  public Integer call() {
    byte[] digest = parseDigest();
    spec.commandLine()
        .getErr()
        .println(
            "warning: keys bls-sign signs any digest without slashing protection; never use it with a key that"
                + " attests for a live AVS (two signatures over different responses to one task are slashable)");
    BlsKeyPair pair = new KeystoreAccess(CliContext.of(spec)).openBls(key);
    G1Point signature = pair.sign(digest);
    if (!Bls.verify(pair.publicKeyG2(), digest, signature)) {
      throw new IllegalStateException(
          "the signature made with " + key + " does not verify; refusing to print it");
    }
    ObjectNode out = KeyJson.MAPPER.createObjectNode();
    out.put("digest", Numeric.toHexString(digest));
    out.set("messageG1", KeyJson.g1(HashToG1.hash(digest)));
    out.set("signature", KeyJson.g1(signature));
    out.set("pubkeyG1", KeyJson.g1(pair.publicKeyG1()));
    out.set("pubkeyG2", KeyJson.g2(pair.publicKeyG2()));
    spec.commandLine().getOut().println(out.toPrettyString());
    return 0;
  }

  private byte[] parseDigest() {
    String hex = digestHex.trim();
    if (!hex.matches("0x[0-9a-fA-F]{64}")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--digest must be 0x followed by 64 hex digits (32 bytes), got '" + digestHex + "'");
    }
    return Numeric.hexStringToByteArray(hex);
  }
}
