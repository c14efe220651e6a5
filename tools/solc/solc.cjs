'use strict';
// Native-solc command-line facade over solcjs (npm `solc`), for forge with `offline = true`.
//
// forge calls a native solc in two ways, and this file answers both:
//   solc --version                      -> "Version: <semver>+commit.<hash>.Linux.g++" (forge parses this line)
//   solc [--base-path P] [--include-path P]... [--allow-paths P] --standard-json   (input JSON on stdin)
// --allow-paths is accepted and ignored (imports are resolved only below base/include paths anyway).
// Only the compiler's JSON goes to stdout: forge parses stdout as JSON.
const fs = require('fs');
const path = require('path');

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

function importResolver(opts) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths].map((p) => path.resolve(p));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
    for (const candidate of candidates) {
      try {
        return { contents: fs.readFileSync(candidate, 'utf8') };
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

const input = fs.readFileSync(0, 'utf8');
const output = solc.compile(input, { import: importResolver(opts) });
process.stdout.write(output);
