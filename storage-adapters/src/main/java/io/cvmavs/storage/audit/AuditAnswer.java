package io.cvmavs.storage.audit;

import io.cvmavs.cvm.proof.InclusionProof;
import io.cvmavs.storage.chunk.AuditChunks;
import java.util.ArrayList;
import java.util.List;

/** An operator's answer to a challenge: per challenged index, the chunk and its Merkle path. */
public record AuditAnswer(List<Item> items) {
  public AuditAnswer {
    items = List.copyOf(items);
  }

  /** One answered chunk. */
  public record Item(int index, byte[] chunk, InclusionProof proof) {
    public Item {
      chunk = chunk.clone();
    }

    @Override
    public byte[] chunk() {
      return chunk.clone();
    }
  }

  /** The answer of an operator that holds {@code file}. */
  public static AuditAnswer prove(AuditChallenge challenge, byte[] file) {
    AuditChunks chunks = AuditChunks.of(file);
    List<Item> items = new ArrayList<>();
    for (int i : challenge.indices()) {
      if (i < chunks.count()) {
        items.add(new Item(i, chunks.chunk(i), chunks.proof(i)));
      }
    }
    return new AuditAnswer(items);
  }
}
