// No settings are needed for clientseg: webpack 5 handles top-level await and emits the .wasm
// that `new URL('../clientseg_bg.wasm', import.meta.url)` points at as an asset.
export default {
  mode: 'production',
  entry: './main.js',
};
