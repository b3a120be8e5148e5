// The one setting clientseg needs in Vite, for the dev server only: do not pre-bundle it. The
// dependency optimiser copies the package's JS into node_modules/.vite/deps/, where
// `new URL('../clientseg_bg.wasm', import.meta.url)` no longer points at the .wasm.
// `vite build` works without it.
import { defineConfig } from 'vite';

export default defineConfig({
  optimizeDeps: { exclude: ['clientseg'] },
});
