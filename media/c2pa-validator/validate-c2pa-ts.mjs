// Second opinion: TrustNXT's pure TypeScript C2PA validator. Prints one JSON line.
// usage: node validate-c2pa-ts.mjs FILE
// c2pa-ts 0.9.4 opens BMFF files only with HEIC/HEIF brands; the BMFF hashing it then applies is the same for
// MP4, so we add the MP4 brands to its list. It checks signatures and hashes, not the chain of trust.
import * as fs from 'node:fs/promises';
import { BMFF } from '@trustnxt/c2pa-ts/asset';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import { ManifestStore } from '@trustnxt/c2pa-ts/manifest';

for (const b of ['isom', 'iso2', 'mp41', 'mp42', 'avc1']) BMFF.canReadBrands.add(b);
const buf = await fs.readFile(process.argv[2]);
try {
  if (!BMFF.canRead(buf)) throw new Error('not a BMFF file');
  const asset = new BMFF(buf);
  const jumbf = asset.getManifestJUMBF();
  if (!jumbf) throw new Error('no C2PA manifest');
  const r = await ManifestStore.read(SuperBox.fromBuffer(jumbf)).validate(asset);
  console.log(JSON.stringify({ valid: r.isValid, codes: r.statusEntries.map(e => e.code) }));
} catch (e) {
  console.log(JSON.stringify({ valid: false, error: String(e) }));
}
