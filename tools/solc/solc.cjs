'use strict';
// Native-solc command-line facade over solcjs (npm `solc`), for forge with `offline = true`.
//
// forge calls a native solc in two ways, and this file answers both:
//   solc --version                      -> "Version: <semver>+commit.<hash>.Linux.g++" (forge parses this line)
//   solc [--base-path P] [--include-path P]... [--allow-paths P] --standard-json   (input JSON on stdin)
// --allow-paths is accepted and ignored (imports are resolved only below base/include paths anyway).
// Only the compiler's JSON goes to stdout: forge parses stdout as JSON.
//
// Compiler outputs are cached by content (like ccache): the key is SHA-256 of the solcjs version and the whole
// standard-json input (which holds every source's text and the settings), the value the compiler's output, gzipped,
// under ${XDG_CACHE_HOME:-~/.cache}/cvm-avs/solc (the 8 newest kept). The output depends on nothing else: forge passes
// every source in the input, so no file is read from disk; a compile that did read one through the import callback,
// or that reported an error, is not stored. A fresh clone of sources compiled before on this machine skips solcjs
// (182 s on one core for the whole project). CVMAVS_SOLC_CACHE=off turns the cache off.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const repoRoot = path.resolve(__dirname, '..', '..');
const solc = require(require.resolve('solc', { paths: [repoRoot] }));

function nativeVersion() {
  // solcjs reports e.g. "0.8.30+commit.73712a01.Emscripten.clang"; native builds say ".Linux.g++".
  return solc.version().replace(/\.Emscripten\.clang$/, '.Linux.g++');
}

function fail(message) {
  process.stderr.write(`solc wrapper: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { basePath: null, includePaths: [], standardJson: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const takeValue = () => {
      if (i + 1 >= argv.length) fail(`option ${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--version':
      case '-v':
        opts.version = true;
        break;
      case '--standard-json':
        opts.standardJson = true;
        break;
      case '--base-path':
        opts.basePath = takeValue();
        break;
      case '--include-path':
        opts.includePaths.push(takeValue());
        break;
      case '--allow-paths':
        takeValue();
        break;
      default:
        if (arg.startsWith('--allow-paths=')) break;
        if (arg.startsWith('--base-path=')) { opts.basePath = arg.slice(12); break; }
        if (arg.startsWith('--include-path=')) { opts.includePaths.push(arg.slice(15)); break; }
        fail(`unsupported option '${arg}' (this wrapper implements only what forge uses: ` +
          '--version, --standard-json, --base-path, --include-path, --allow-paths)');
    }
  }
  return opts;
}

function importResolver(opts, onRead) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths].map((p) => path.resolve(p));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
    for (const candidate of candidates) {
      try {
        const contents = fs.readFileSync(candidate, 'utf8');
        onRead();
        return { contents };
      } catch (e) {
        if (e.code !== 'ENOENT') return { error: `${candidate}: ${e.message}` };
      }
    }
    return { error: `file '${importPath}' not found under ${roots.join(', ')}` };
  };
}

const opts = parseArgs(process.argv.slice(2));
if (opts.version) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${nativeVersion()}\n`);
  process.exit(0);
}
if (!opts.standardJson) fail('only --standard-json compilation is supported');

// ---- the content-addressed output cache ----
const KEEP = 8;

function cacheDir() {
  const setting = process.env.CVMAVS_SOLC_CACHE;
  if (setting === 'off' || setting === '0' || setting === 'false') return null;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cvm-avs', 'solc');
}

function cacheKey(input) {
  return crypto.createHash('sha256').update(solc.version()).update('\0').update(input).digest('hex');
}

function cached(dir, key) {
  try {
    const file = path.join(dir, `${key}.json.gz`);
    const output = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
    try {
      const now = new Date();
      fs.utimesSync(file, now, now); // most recently used: kept longest
    } catch (e) {
      // a read-only cache still answers
    }
    return output;
  } catch (e) {
    return null; // absent or unreadable (a truncated file fails gunzip's check): compile
  }
}

function hasErrors(output) {
  try {
    return (JSON.parse(output).errors || []).some((e) => e.severity === 'error');
  } catch (e) {
    return true;
  }
}

function store(dir, key, output) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${key}.json.gz`);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, zlib.gzipSync(output, { level: 1 }));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    const names = fs.readdirSync(dir);
    for (const n of names.filter((x) => x.endsWith('.tmp'))) {
      // left by a compile killed while writing: gone after an hour
      const p = path.join(dir, n);
      if (Date.now() - fs.statSync(p).mtimeMs > 3600e3) fs.rmSync(p, { force: true });
    }
    const entries = names
      .filter((n) => n.endsWith('.json.gz'))
      .map((n) => ({ n, t: fs.statSync(path.join(dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of entries.slice(KEEP)) fs.rmSync(path.join(dir, old.n), { force: true });
  } catch (e) {
    process.stderr.write(`solc wrapper: compiler cache not written (${e.message})\n`);
  }
}

const input = fs.readFileSync(0, 'utf8');
const dir = cacheDir();
const key = dir ? cacheKey(input) : null;
const hit = dir ? cached(dir, key) : null;
if (hit !== null) {
  process.stdout.write(hit);
} else {
  let readFromDisk = false;
  const output = solc.compile(input, { import: importResolver(opts, () => { readFromDisk = true; }) });
  if (dir && !readFromDisk && !hasErrors(output)) store(dir, key, output);
  process.stdout.write(output);
}
