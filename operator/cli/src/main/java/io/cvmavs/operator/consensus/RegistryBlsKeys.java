package io.cvmavs.operator.consensus;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.consensus.app.validators.BlsKeyDirectory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The BLS keys operators registered in the AVS registry ({@code NewPubkeyRegistration} events), as
 * of an Ethereum block: what the CVM chain's validator source pairs with the stake aggregator's
 * set. The registry binds one key per operator for good, so events are read once per block range
 * and kept; a key registered after {@code block} is not returned for it. Thread-safe.
 */
public final class RegistryBlsKeys implements BlsKeyDirectory {
  private record Registered(BlsPublicKeys keys, long block) {}

  private final RegistryReader registry;
  private final Map<String, Registered> keys = new HashMap<>();
  private long scannedTo = -1;

  public RegistryBlsKeys(RegistryReader registry) {
    this.registry = registry;
  }

  @Override
  public synchronized Optional<BlsPublicKeys> keysOf(String operator, long block) {
    if (block > scannedTo) {
      for (RegistryReader.PubkeyRegistration r :
          registry.pubkeyRegistrations(scannedTo + 1, block)) {
        keys.putIfAbsent(
            r.operator().toLowerCase(Locale.ROOT),
            new Registered(new BlsPublicKeys(r.pubkeyG1(), r.pubkeyG2()), r.block()));
      }
      scannedTo = block;
    }
    Registered k = keys.get(operator.toLowerCase(Locale.ROOT));
    return k == null || k.block() > block ? Optional.empty() : Optional.of(k.keys());
  }
}
