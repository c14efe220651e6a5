package io.cvmavs.operator.keys;

import picocli.CommandLine.Command;

/**
 * {@code cvm-avs keys}: create and inspect operator keys (BLS on BN254, ECDSA), sign digests with
 * BLS.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description =
        "Create, import, show and use operator keystores (BLS BN254, ECDSA, Ed25519 consensus key).",
    subcommands = {
      KeysCreateCommand.class,
      KeysImportCommand.class,
      KeysShowCommand.class,
      KeysBlsSignCommand.class
    })
public final class KeysCommand {}
