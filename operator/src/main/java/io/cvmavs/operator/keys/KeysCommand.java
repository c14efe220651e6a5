package io.cvmavs.operator.keys;

import picocli.CommandLine.Command;

/**
 * {@code cvm-avs keys}: create and inspect operator keys (BLS on BN254, ECDSA), sign digests with
 * BLS.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Create, show and use operator keystores (BLS BN254 and ECDSA).",
    subcommands = {KeysCreateCommand.class, KeysShowCommand.class, KeysBlsSignCommand.class})
public final class KeysCommand {}
