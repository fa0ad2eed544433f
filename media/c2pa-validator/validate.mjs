// Prints one JSON line: the official C2PA validator's verdict on a file (c2pa-rs via @contentauth/c2pa-wasm).
// usage: node validate.mjs FILE [mime]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
const [file, mime = 'video/mp4'] = process.argv.slice(2);
try {
  const reader = await WasmReader.fromBytes(mime, new Uint8Array(readFileSync(file)));
  const store = JSON.parse(reader.json());
  const active = store.active_manifest ? store.manifests[store.active_manifest] : null;
  console.log(JSON.stringify({
    state: store.validation_state ?? 'Unknown',
    failures: store.validation_results?.activeManifest?.failure ?? [],
    informational: store.validation_results?.activeManifest?.informational ?? [],
    successes: (store.validation_results?.activeManifest?.success ?? []).map(s => s.code),
    status: store.validation_status ?? [],
    assertions: active ? active.assertions.map(a => a.label) : [],
    signer: active?.signature_info ?? null,
  }));
} catch (e) {
  console.log(JSON.stringify({ state: 'Error', error: String(e) }));
}
