package io.cvmavs.stake.aggregate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.stake.chain.StakeSnapshot.StrategyInfo;
import io.cvmavs.stake.security.SecurityFigures;
import io.cvmavs.stake.validator.ConsensusKey;
import io.cvmavs.stake.validator.Validator;
import io.cvmavs.stake.validator.ValidatorUpdate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders an {@link AggregateResult} as JSON (stable field order, amounts as decimal strings of
 * wei, so the same result is the same bytes) or as a text report.
 */
public final class ReportFormat {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFormat() {}

  public static String json(AggregateResult r) {
    ObjectNode root = JSON.createObjectNode();
    EpochSet c = r.current();
    root.put("requestedBlock", r.requestedBlock());
    root.put("epoch", c.epoch());
    root.put("epochBlock", c.block());
    root.put("epochTimestamp", c.timestamp());
    if (r.previous() != null) {
      ObjectNode p = root.putObject("previous");
      p.put("epoch", r.previous().epoch());
      p.put("epochBlock", r.previous().block());
      p.put("totalPower", r.previous().set().totalPower());
      p.put("validators", r.previous().set().size());
    } else {
      root.putNull("previous");
    }
    root.put("cPerEthWad", c.cPerEthWad().toString());
    root.put("cStakeMultiplierWad", c.cStakeMultiplierWad().toString());
    ArrayNode strategies = root.putArray("strategies");
    for (StrategyInfo s : c.strategies()) {
      ObjectNode n = strategies.addObject();
      n.put("address", s.address());
      n.put("multiplierWad", s.multiplierWad().toString());
      n.put("cPerShareWad", s.cPerShareWad().toString());
    }
    root.put("totalPower", c.set().totalPower());
    root.put("capSatisfied", c.capSatisfied());
    Map<ConsensusKey, String> operatorOf = new HashMap<>();
    c.operators().forEach(o -> o.key().ifPresent(k -> operatorOf.putIfAbsent(k, o.operator())));
    ArrayNode validators = root.putArray("validators");
    for (Validator v : c.set().validators()) {
      ObjectNode n = validators.addObject();
      n.put("address", v.pubKey().addressHex());
      n.put("pubKey", v.pubKey().hex());
      n.put("pubKeyBase64", v.pubKey().base64());
      n.put("power", v.power());
      n.put("operator", operatorOf.get(v.pubKey()));
    }
    ArrayNode updates = root.putArray("updates");
    for (ValidatorUpdate u : r.updates()) {
      ObjectNode n = updates.addObject();
      n.put("address", u.pubKey().addressHex());
      n.put("pubKey", u.pubKey().hex());
      n.put("power", u.power());
    }
    ArrayNode operators = root.putArray("operators");
    for (OperatorReport o : c.operators()) {
      ObjectNode n = operators.addObject();
      n.put("operator", o.operator());
      if (o.key().isPresent()) {
        n.put("consensusKey", o.key().get().hex());
      } else {
        n.putNull("consensusKey");
      }
      n.put("status", o.status().label());
      n.put("cStake", o.cStake().toString());
      ArrayNode restaked = n.putArray("restaked");
      for (OperatorReport.Restaked x : o.restaked()) {
        ObjectNode rn = restaked.addObject();
        rn.put("strategy", x.strategy());
        rn.put("shares", x.shares().toString());
        rn.put("valueC", x.valueC().toString());
      }
      n.put("weight", o.weight().toString());
      n.put("valueC", o.valueC().toString());
      n.put("scaledPower", o.scaledPower());
      n.put("power", o.power());
      n.put("capApplied", o.status() == OperatorReport.Status.CAPPED);
    }
    SecurityFigures s = c.security();
    ObjectNode sec = root.putObject("security");
    sec.put("totalSlashableC", s.totalSlashableC().toString());
    sec.put("totalSlashableEth", s.totalSlashableEth().toString());
    cost(sec.putObject("corruptOneThird"), s.corruptOneThird());
    cost(sec.putObject("corruptTwoThirds"), s.corruptTwoThirds());
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON tree cannot fail to serialise", e);
    }
  }

  private static void cost(ObjectNode n, SecurityFigures.CorruptionCost c) {
    n.put("validators", c.validators());
    n.put("power", c.power());
    n.put("costC", c.costC().toString());
    n.put("lowerBoundC", c.lowerBoundC().toString());
    n.put("costEth", c.costEth().toString());
    n.put("lowerBoundEth", c.lowerBoundEth().toString());
  }

  /**
   * Human-readable report: amounts in whole tokens (up to 18 fraction digits, trailing zeros cut).
   */
  public static String text(AggregateResult r) {
    StringWriter sw = new StringWriter();
    PrintWriter out = new PrintWriter(sw);
    EpochSet c = r.current();
    out.printf(
        "epoch %d (Ethereum block %d; requested %d)%s%n",
        c.epoch(),
        c.block(),
        r.requestedBlock(),
        r.previous() == null ? "" : ", previous epoch at block " + r.previous().block());
    out.printf(
        "validators: %d, total power %d%s%n",
        c.set().size(),
        c.set().totalPower(),
        c.capSatisfied() ? "" : " (set too small for the per-validator cap: equal powers)");
    for (int s = 0; s < c.strategies().size(); s++) {
      StrategyInfo i = c.strategies().get(s);
      out.printf(
          "strategy %d %s: multiplier %s, %s $C per share%n",
          s, i.address(), tokens(i.multiplierWad()), tokens(i.cPerShareWad()));
    }
    out.printf(
        "$C multiplier %s, %s $C per ETH%n",
        tokens(c.cStakeMultiplierWad()), tokens(c.cPerEthWad()));
    out.println();
    out.printf(
        "%-42s %-40s %20s %10s  %s%n",
        "operator", "address", "power", "status", "$C stake | restaked shares per strategy");
    for (OperatorReport o : c.operators()) {
      StringBuilder restaked = new StringBuilder();
      for (OperatorReport.Restaked x : o.restaked()) {
        restaked.append(restaked.isEmpty() ? "" : ", ").append(tokens(x.shares()));
      }
      out.printf(
          "%-42s %-40s %20d %10s  %s | %s%n",
          o.operator(),
          o.key().map(ConsensusKey::addressHex).orElse("-"),
          o.power(),
          o.status().label(),
          tokens(o.cStake()),
          restaked);
    }
    out.println();
    out.printf("updates (%d):%n", r.updates().size());
    for (ValidatorUpdate u : r.updates()) {
      out.printf("  %s %s power %d%n", u.pubKey().addressHex(), u.pubKey().hex(), u.power());
    }
    SecurityFigures s = c.security();
    out.println();
    out.printf(
        "total slashable value: %s $C = %s ETH%n",
        tokens(s.totalSlashableC()), tokens(s.totalSlashableEth()));
    printCost(out, "1/3", s.corruptOneThird());
    printCost(out, "2/3", s.corruptTwoThirds());
    out.flush();
    return sw.toString();
  }

  private static void printCost(PrintWriter out, String what, SecurityFigures.CorruptionCost c) {
    out.printf(
        "cost to corrupt > %s of power: %s $C = %s ETH (%d validators, power %d; lower bound %s $C)%n",
        what,
        tokens(c.costC()),
        tokens(c.costEth()),
        c.validators(),
        c.power(),
        tokens(c.lowerBoundC()));
  }

  static String tokens(BigInteger wei) {
    BigDecimal d = new BigDecimal(wei, 18).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }
}
