package io.cvmavs.chainbasedb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chainbasedb.Db3Fixtures;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph indexes against brute force: edge documents (from, to) with string and integer node values
 * are added, re-pointed and deleted over several blocks; neighbours, k-hop traversals and shortest
 * path lengths equal a breadth-first search over the model of live edges (kept as strings, apart
 * from the byte encoding). Two stores with different block boundaries reach the same state root and
 * the same answers; edge entries are not in the root (recomputed root = incremental root).
 */
class GraphIndexTest {
  private static final long CHAIN = 5;
  private static final HexFormat HEX = HexFormat.of();
  @TempDir Path dir;

  /** A node's model name: type-tagged so "1" and 1 differ; int32 and int64 are one node. */
  private static String name(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32 -> "i" + v.asInt32().getValue();
      case INT64 -> "i" + v.asInt64().getValue();
      case STRING -> "s" + v.asString().getValue();
      default -> throw new IllegalArgumentException(v.toString());
    };
  }

  private static BsonValue node(Random rnd) {
    int n = rnd.nextInt(60);
    return switch (n % 3) {
      case 0 -> new BsonInt32(n);
      case 1 -> new BsonInt64(n);
      default -> new BsonString("n" + n);
    };
  }

  private record Model(Map<String, String[]> edges) {
    Set<String> adjacent(String node, ChainbaseDb.Direction d) {
      Set<String> out = new TreeSet<>();
      for (String[] e : edges.values()) {
        if (d != ChainbaseDb.Direction.IN && e[0].equals(node)) {
          out.add(e[1]);
        }
        if (d != ChainbaseDb.Direction.OUT && e[1].equals(node)) {
          out.add(e[0]);
        }
      }
      return out;
    }

    Map<String, Integer> bfs(String start, ChainbaseDb.Direction d, int hops) {
      Map<String, Integer> dist = new LinkedHashMap<>();
      dist.put(start, 0);
      ArrayDeque<String> q = new ArrayDeque<>(List.of(start));
      while (!q.isEmpty()) {
        String n = q.poll();
        if (dist.get(n) == hops) {
          continue;
        }
        for (String o : adjacent(n, d)) {
          if (!dist.containsKey(o)) {
            dist.put(o, dist.get(n) + 1);
            q.add(o);
          }
        }
      }
      dist.remove(start);
      return dist;
    }
  }

  private record History(List<List<byte[]>> blocks, Identity db, Model model) {}

  private static byte[] edgeDoc(BsonValue from, BsonValue to) {
    BsonDocument d = new BsonDocument();
    if (from != null) {
      d.put("src", from);
    }
    if (to != null) {
      d.put("dst", to);
    }
    return BsonDocuments.encode(d);
  }

  private static History history(long seed) {
    Db3Fixtures fx = new Db3Fixtures(seed);
    Random rnd = fx.random();
    MutationSigner owner = fx.ethSigner();
    long nonce = 0;
    Identity db = DerivedIds.database(owner.identity(), 1, 0);
    List<List<byte[]>> blocks = new ArrayList<>();
    blocks.add(
        List.of(
            owner
                .sign(
                    CHAIN,
                    ++nonce,
                    new Payload.Group(
                        List.of(
                            new Payload.CreateDatabase("g", "", List.of(), List.of()),
                            new Payload.CreateCollection(
                                db,
                                "follows",
                                List.of(
                                    new IndexSpec(
                                        "social",
                                        IndexSpec.Kind.GRAPH_INDEX,
                                        List.of("src", "dst"),
                                        0,
                                        ""),
                                    IndexSpec.ordered("by_src", "src"))))))
                .encode()));
    Map<String, String[]> edges = new LinkedHashMap<>();
    Map<String, Boolean> docs = new LinkedHashMap<>();
    for (int b = 0; b < 8; b++) {
      List<byte[]> block = new ArrayList<>();
      List<byte[]> add = new ArrayList<>();
      List<String[]> added = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        BsonValue f = node(rnd);
        BsonValue t = node(rnd);
        boolean dangling = rnd.nextInt(15) == 0;
        add.add(edgeDoc(f, dangling ? null : t));
        added.add(dangling ? null : new String[] {name(f), name(t)});
      }
      Mutation m = owner.sign(CHAIN, ++nonce, new Payload.AddDocuments(db, "follows", add));
      block.add(m.encode());
      for (int i = 0; i < added.size(); i++) {
        String id = HEX.formatHex(DerivedIds.document(m.signingRoot(), 0, i));
        docs.put(id, true);
        if (added.get(i) != null) {
          edges.put(id, added.get(i));
        }
      }
      if (b > 1) {
        List<String> ids = new ArrayList<>(docs.keySet());
        String upd = ids.get(rnd.nextInt(ids.size()));
        BsonValue f = node(rnd);
        BsonValue t = node(rnd);
        block.add(
            owner
                .sign(
                    CHAIN,
                    ++nonce,
                    new Payload.UpdateDocuments(
                        db,
                        "follows",
                        List.of(new Payload.Update(HEX.parseHex(upd), edgeDoc(f, t)))))
                .encode());
        edges.put(upd, new String[] {name(f), name(t)});
        String del = ids.get(rnd.nextInt(ids.size()));
        if (!del.equals(upd)) {
          block.add(
              owner
                  .sign(
                      CHAIN,
                      ++nonce,
                      new Payload.DeleteDocuments(db, "follows", List.of(HEX.parseHex(del))))
                  .encode());
          edges.remove(del);
          docs.remove(del);
        }
      }
      blocks.add(block);
    }
    return new History(blocks, db, new Model(edges));
  }

  private static void applyAll(ChainbaseDb s, List<List<byte[]>> blocks) {
    for (List<byte[]> b : blocks) {
      ChainbaseDb.BlockResult r = s.apply(s.height() + 1, b);
      for (ChainbaseDb.TxResult t : r.results()) {
        assertThat(t.refusal()).as("block %d tx %d", r.height(), t.index()).isEmpty();
      }
    }
  }

  private static BsonValue parse(String model) {
    return model.charAt(0) == 'i'
        ? new BsonInt64(Long.parseLong(model.substring(1)))
        : new BsonString(model.substring(1));
  }

  private static void checkAgainstModel(ChainbaseDb s, History h) {
    Set<String> nodes = new TreeSet<>();
    for (String[] e : h.model().edges().values()) {
      nodes.add(e[0]);
      nodes.add(e[1]);
    }
    nodes.add("s-absent");
    for (String n : nodes) {
      for (ChainbaseDb.Direction d : ChainbaseDb.Direction.values()) {
        List<ChainbaseDb.Edge> edges =
            s.neighbours(h.db(), "follows", "social", parse(n), d, ChainbaseDb.MAX_RESULTS);
        Set<String> got = new TreeSet<>();
        for (ChainbaseDb.Edge e : edges) {
          String from = name(e.from());
          String to = name(e.to());
          assertThat(h.model().edges().get(HEX.formatHex(e.id())))
              .as("edge document")
              .containsExactly(from, to);
          got.add(from.equals(n) && d != ChainbaseDb.Direction.IN ? to : from);
          if (d == ChainbaseDb.Direction.BOTH && from.equals(n) && to.equals(n)) {
            got.add(n);
          }
        }
        assertThat(got).as("neighbours of %s %s", n, d).isEqualTo(h.model().adjacent(n, d));
        long expectedEdges =
            h.model().edges().values().stream()
                .filter(
                    e ->
                        (d != ChainbaseDb.Direction.IN && e[0].equals(n))
                            || (d != ChainbaseDb.Direction.OUT && e[1].equals(n)))
                .mapToLong(
                    e ->
                        d == ChainbaseDb.Direction.BOTH && e[0].equals(n) && e[1].equals(n) ? 2 : 1)
                .sum();
        assertThat(edges).hasSize((int) expectedEdges);
        for (int hops = 1; hops <= 3; hops++) {
          ChainbaseDb.Traversal t =
              s.traverse(h.db(), "follows", "social", parse(n), d, hops, ChainbaseDb.MAX_RESULTS);
          assertThat(t.truncated()).isFalse();
          Map<String, Integer> want = h.model().bfs(n, d, hops);
          Map<String, Integer> gotHops = new HashMap<>();
          int last = 0;
          for (ChainbaseDb.Reached r : t.nodes()) {
            assertThat(r.hops()).isGreaterThanOrEqualTo(last);
            last = r.hops();
            gotHops.put(name(r.node()), r.hops());
          }
          assertThat(gotHops).as("%d hops from %s %s", hops, n, d).isEqualTo(want);
        }
      }
    }
    // Shortest paths: length = BFS distance, consecutive nodes joined by a live edge.
    List<String> list = new ArrayList<>(nodes);
    Random rnd = new Random(1);
    for (int i = 0; i < 200; i++) {
      String a = list.get(rnd.nextInt(list.size()));
      String b = list.get(rnd.nextInt(list.size()));
      Optional<List<BsonValue>> p =
          s.shortestPath(
              h.db(), "follows", "social", parse(a), parse(b), ChainbaseDb.Direction.OUT, 6);
      Integer dist =
          a.equals(b) ? Integer.valueOf(0) : h.model().bfs(a, ChainbaseDb.Direction.OUT, 6).get(b);
      if (dist == null) {
        assertThat(p).as("%s -> %s", a, b).isEmpty();
        continue;
      }
      assertThat(p).as("%s -> %s", a, b).isPresent();
      List<BsonValue> path = p.get();
      assertThat(path).hasSize(dist + 1);
      assertThat(name(path.get(0))).isEqualTo(a);
      assertThat(name(path.get(path.size() - 1))).isEqualTo(b);
      for (int j = 1; j < path.size(); j++) {
        assertThat(h.model().adjacent(name(path.get(j - 1)), ChainbaseDb.Direction.OUT))
            .contains(name(path.get(j)));
      }
    }
  }

  @Test
  void queriesEqualBruteForceOnTwoStoresWithOtherBlockBoundaries() {
    History h = history(21);
    byte[] rootA;
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      applyAll(s, h.blocks());
      rootA = s.stateRoot();
      assertThat(s.recomputeStateRoot()).isEqualTo(rootA);
      checkAgainstModel(s, h);
    }
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("b"), CHAIN)) {
      List<byte[]> all = h.blocks().stream().flatMap(List::stream).toList();
      applyAll(s, List.of(all.subList(0, 3), all.subList(3, all.size())));
      assertThat(s.stateRoot()).isEqualTo(rootA);
      checkAgainstModel(s, h);
    }
    // Reopened: same answers from the persisted edge entries.
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      assertThat(s.stateRoot()).isEqualTo(rootA);
      checkAgainstModel(s, h);
    }
  }

  @Test
  void limitsAreEnforcedAndReported() {
    History h = history(22);
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      applyAll(s, h.blocks());
      String busiest =
          h.model().edges().values().stream()
              .map(e -> e[0])
              .max(
                  java.util.Comparator.comparingInt(
                      (String n) -> h.model().bfs(n, ChainbaseDb.Direction.OUT, 3).size()))
              .orElseThrow();
      int reachable = h.model().bfs(busiest, ChainbaseDb.Direction.OUT, 3).size();
      assertThat(reachable).isGreaterThan(2);
      ChainbaseDb.Traversal t =
          s.traverse(h.db(), "follows", "social", parse(busiest), ChainbaseDb.Direction.OUT, 3, 2);
      assertThat(t.nodes()).hasSize(2);
      assertThat(t.truncated()).isTrue();
      assertThat(
              s.neighbours(
                  h.db(), "follows", "social", parse(busiest), ChainbaseDb.Direction.BOTH, 1))
          .hasSize(1);
      assertThatThrownBy(
              () ->
                  s.traverse(
                      h.db(),
                      "follows",
                      "social",
                      parse(busiest),
                      ChainbaseDb.Direction.OUT,
                      ChainbaseDb.MAX_HOPS + 1,
                      10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("hops must be 1..");
      assertThatThrownBy(
              () ->
                  s.neighbours(
                      h.db(),
                      "follows",
                      "social",
                      org.bson.BsonNull.VALUE,
                      ChainbaseDb.Direction.OUT,
                      5))
          .hasMessageContaining("graph nodes are");
      assertThatThrownBy(
              () ->
                  s.neighbours(
                      h.db(), "follows", "by_src", new BsonInt32(1), ChainbaseDb.Direction.OUT, 5))
          .hasMessageContaining("is a ordered_index, not a graph_index");
    }
  }
}
