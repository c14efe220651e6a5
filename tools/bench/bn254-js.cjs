// BN254 pairing CPU time in two JavaScript libraries, for the side-by-side of issue 22 item 1
// (tools/bench/bn254-side-by-side.sh): mcl-wasm (herumi's mcl compiled to WebAssembly, curve BN_SNARK1 = BN254)
// and @noble/curves (pure JS bn254). Both pinned in package.json. Prints one line per library:
//   <name> pairing_us=<CPU µs per pairing> verify_us=<CPU µs per 2-pair check> n=<pairings>
// CPU time is this process's user + system time (process.cpuUsage) around the timed loop, after a warm-up.
// Each library's pairing is checked for bilinearity first (e(aP, bQ) = e(P, Q)^(ab)): a library that did not
// compute a pairing would print no figure. Usage: node tools/bench/bn254-js.cjs [pairings per library, default 200]
'use strict';

const n = Number(process.argv[2] || 200);
if (!Number.isInteger(n) || n < 1) {
  console.error(`bn254-js: pairings per library must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}

function cpuMicros(f, reps) {
  const before = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / reps;
}

function report(name, pair, verify) {
  for (let i = 0; i < Math.max(5, n / 10); i++) pair(); // warm-up (JIT / wasm tiers)
  const pairingUs = cpuMicros(pair, n);
  const verifyUs = cpuMicros(verify, Math.max(1, Math.floor(n / 2)));
  console.log(`${name} pairing_us=${pairingUs.toFixed(0)} verify_us=${verifyUs.toFixed(0)} n=${n}`);
}

async function mcl() {
  const mcl = require('mcl-wasm');
  await mcl.init(mcl.BN_SNARK1);
  const P = mcl.hashAndMapToG1('cvm-avs bench P');
  const Q = mcl.hashAndMapToG2('cvm-avs bench Q');
  const a = new mcl.Fr();
  a.setInt(7);
  const b = new mcl.Fr();
  b.setInt(11);
  const lhs = mcl.pairing(mcl.mul(P, a), mcl.mul(Q, b));
  const rhs = mcl.pow(mcl.pairing(P, Q), mcl.mul(a, b));
  if (!lhs.isEqual(rhs)) throw new Error('mcl-wasm: e(7P, 11Q) != e(P, Q)^77');
  const Pneg = mcl.neg(P);
  report(
    'mcl-wasm',
    () => mcl.pairing(P, Q),
    () => {
      // e(-P, Q) · e(P, Q) = 1, one final exponentiation: a BLS verify's pairing work
      const e = mcl.finalExp(mcl.mul(mcl.millerLoop(Pneg, Q), mcl.millerLoop(P, Q)));
      if (!e.isOne()) throw new Error('mcl-wasm: product check failed');
    });
}

async function noble() {
  const { bn254 } = await import('@noble/curves/bn254.js');
  const G1 = bn254.G1.Point.BASE;
  const G2 = bn254.G2.Point.BASE;
  const P = G1.multiply(123456789n);
  const Q = G2.multiply(987654321n);
  const F12 = bn254.fields.Fp12;
  const lhs = bn254.pairing(P.multiply(7n), Q.multiply(11n));
  const rhs = F12.pow(bn254.pairing(P, Q), 77n);
  if (!F12.eql(lhs, rhs)) throw new Error('@noble/curves: e(7P, 11Q) != e(P, Q)^77');
  report(
    '@noble/curves',
    () => bn254.pairing(P, Q),
    () => {
      const e = bn254.pairingBatch([
        { g1: P.negate(), g2: Q },
        { g1: P, g2: Q },
      ]);
      if (!F12.eql(e, F12.ONE)) throw new Error('@noble/curves: product check failed');
    });
}

(async () => {
  await mcl();
  await noble();
})().catch((e) => {
  console.error(`bn254-js: ${e.message}`);
  process.exit(1);
});
