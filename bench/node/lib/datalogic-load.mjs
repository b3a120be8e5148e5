// @goplasmatic/datalogic 4.0.14 ships its Node build as CommonJS (`exports.X = ...`) inside a
// package marked `"type": "module"`, so Node 20 can neither `import` nor `require` it as
// published. Load that file as the CommonJS module it is.

import Module from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function loadDatalogic() {
  const file = path.join(import.meta.dirname, '..', 'node_modules', '@goplasmatic', 'datalogic', 'nodejs', 'datalogic_wasm.js');
  const m = new Module(file);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(readFileSync(file, 'utf8'), file);
  return m.exports;
}
