package io.cvmavs.cvm.manuscript;

import java.util.List;
import java.util.Optional;

/**
 * A parsed and validated manuscript (Chainbase format): sources over chain datasets, SQL transforms
 * in order, sinks. Built only by {@link ManuscriptParser}, so every instance passed validation.
 *
 * @param hash {@code keccak256} of the manuscript file's bytes, as committed in CVM block headers
 */
public record Manuscript(
    String file,
    String name,
    String specVersion,
    int parallelism,
    List<Source> sources,
    List<Transform> transforms,
    List<Sink> sinks,
    byte[] hash) {
  public Manuscript {
    sources = List.copyOf(sources);
    transforms = List.copyOf(transforms);
    sinks = List.copyOf(sinks);
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  public Optional<Transform> transform(String name) {
    return transforms.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<Source> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The sinks of type {@code dataset}: the attested output. */
  public List<Sink> datasetSinks() {
    return sinks.stream().filter(s -> s.type() == SinkType.DATASET).toList();
  }
}
