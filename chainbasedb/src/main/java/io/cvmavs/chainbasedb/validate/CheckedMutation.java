package io.cvmavs.chainbasedb.validate;

import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;

/**
 * A mutation whose encoding, chain id and signature are checked (the stateless half of CheckTx):
 * its sender is known, its payload decoded.
 */
public record CheckedMutation(
    Mutation mutation, byte[] signingRoot, Identity sender, Payload payload) {}
