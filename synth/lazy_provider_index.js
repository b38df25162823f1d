// Preloaded into jsii's Node process by synth/provider_import.py.
//
// lib/index.js of @cdktf/provider-aws requires all 2,100+ resource modules as
// soon as the jsii kernel loads the package, which is most of a synth's Node
// time and memory. This compiles that one file as getters that require a
// resource module when jsii first asks for it. Any line it does not recognise
// makes it compile the file unchanged and say so once on stderr.
"use strict";
const Module = require("module");
const path = require("path");

const PROVIDER_INDEX = path.join("@cdktf", "provider-aws", "lib", "index.js");
const EXPORT_REQUIRE = /^exports\.(\w+) = require\("(\.\/[\w-]+)"\);$/;
const OTHER_EXPECTED_LINES = [
  /^"use strict";$/,
  /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
  /^exports\.\w+( = exports\.\w+)* = void 0;$/,
  /^(\/\*\*| \*.*| \*\/|\/\/.*)?$/,
];

function requestsByExport(content) {
  const requests = [];
  for (const line of content.split("\n")) {
    const match = EXPORT_REQUIRE.exec(line);
    if (match) {
      requests.push([match[1], match[2]]);
    } else if (!OTHER_EXPECTED_LINES.some((expected) => expected.test(line))) {
      return null;
    }
  }
  return requests.length > 0 ? requests : null;
}

function defineLazyExport(module, name, request) {
  Object.defineProperty(module.exports, name, {
    configurable: true,
    enumerable: true,
    get() {
      const value = module.require(request);
      Object.defineProperty(module.exports, name, { value, enumerable: true });
      return value;
    },
  });
}

const compile = Module.prototype._compile;
Module.prototype._compile = function compileProviderIndexLazily(content, filename) {
  if (!filename.endsWith(PROVIDER_INDEX)) {
    return compile.call(this, content, filename);
  }
  const requests = requestsByExport(content);
  if (requests === null) {
    process.stderr.write(
      `note: ${filename} does not have the layout synth/lazy_provider_index.js expects; ` +
        "loading all of it the normal (slower) way\n",
    );
    return compile.call(this, content, filename);
  }
  Object.defineProperty(this.exports, "__esModule", { value: true });
  for (const [name, request] of requests) {
    defineLazyExport(this, name, request);
  }
  return undefined;
};
