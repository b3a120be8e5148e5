// Type test of `clientseg/web`: the web glue for callers that load the module themselves.
import init, { Engine, initSync, type InitInput } from 'clientseg/web';

declare const wasmBytes: ArrayBuffer;
const url: InitInput = new URL('clientseg/clientseg_bg.wasm', import.meta.url);
await init({ module_or_path: url });
initSync({ module: wasmBytes });
const engine: Engine = Engine.compile('{"schemaVersion": 1}');
engine.free();
// @ts-expect-error initSync needs the module (init may fetch it, initSync cannot)
initSync();
