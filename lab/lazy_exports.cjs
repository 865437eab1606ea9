// Loaded into jsii's node by `--require` (lab/node.py puts it in NODE_OPTIONS).
//
// Why: a prebuilt provider's lib/index.js requires every resource module of the provider
// up front (2,433 for aws), so loading the provider's assembly makes V8 compile hundreds of
// megabytes of JavaScript that a synth never runs: importing the aws provider takes 2.9 s
// as published and 0.4 s through this hook (docs/performance.md). The jsii kernel finds a
// type by walking the package's exports (`exports.vpc.Vpc`), so an export that requires its
// module on first access gives the kernel the same objects, and compiles only the modules
// the app uses.
//
// What: in the index of an @cdktn/provider-* package, each line
//     exports.vpc = __importStar(require("./vpc/index"));
// (TypeScript's output for `export * as vpc from "./vpc"`) becomes a getter that does the
// same on first access and then replaces itself with the value. All or nothing: when any
// require() in the index has another shape, the file is loaded as published, only slower.
//
// LAB_LAZY_EXPORTS=0 turns it off, also in a node that inherited this --require.
// LAB_LAZY_EXPORTS_REPORT=<file> appends "<index url>\t<exports made lazy>" for every
// provider index this hook sees (0 when it left one as published): how tests see it work.
"use strict";

const fs = require("node:fs");
const { fileURLToPath } = require("node:url");
const { registerHooks } = require("node:module");

const PROVIDER_INDEX = /\/node_modules\/@cdktn\/provider-[a-z0-9-]+\/lib\/index\.js$/;
const EAGER_EXPORT =
  /^exports\.([A-Za-z_$][\w$]*) = __importStar\(require\("(\.\/[\w.-]+\/index)"\)\);$/gm;
const ANY_REQUIRE = /\brequire\(/g;

/** The index with each eager export made lazy, or null when it has another shape. */
function lazyExports(source) {
  let count = 0;
  const rewritten = source.replace(EAGER_EXPORT, (_, name, path) => {
    count += 1;
    const key = JSON.stringify(name);
    const load = `__importStar(require(${JSON.stringify(path)}))`;
    return (
      `Object.defineProperty(exports, ${key}, { enumerable: true, configurable: true, ` +
      `get() { const value = ${load}; ` +
      `Object.defineProperty(exports, ${key}, { enumerable: true, writable: true, value }); ` +
      `return value; } });`
    );
  });
  const requires = (source.match(ANY_REQUIRE) || []).length;
  return count > 0 && count === requires ? { source: rewritten, count } : null;
}

function report(url, count) {
  const file = process.env.LAB_LAZY_EXPORTS_REPORT;
  try {
    if (file) fs.appendFileSync(file, `${url}\t${count}\n`);
  } catch {
    // A report that cannot be written must not stop the provider from loading.
  }
}

// registerHooks is Node's synchronous module hook API (22.15 and 23.5 on); on an older
// node the providers simply load as published. Registered once per process, also when
// NODE_OPTIONS names two copies of this file (a checkout and a copy of it).
const REGISTERED = Symbol.for("lab.lazyExports");
if (
  typeof registerHooks === "function" &&
  process.env.LAB_LAZY_EXPORTS !== "0" &&
  !globalThis[REGISTERED]
) {
  globalThis[REGISTERED] = true;
  registerHooks({
    load(url, context, nextLoad) {
      const loaded = nextLoad(url, context);
      if (!PROVIDER_INDEX.test(url)) return loaded;
      const source =
        loaded.source == null
          ? fs.readFileSync(fileURLToPath(url), "utf8")
          : Buffer.from(loaded.source).toString("utf8");
      const lazy = lazyExports(source);
      report(url, lazy ? lazy.count : 0);
      return lazy ? { ...loaded, source: lazy.source } : loaded;
    },
  });
}

module.exports = { lazyExports };
