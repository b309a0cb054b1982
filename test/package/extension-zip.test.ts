// `npm run build` also packs the devtools extension into a zip that loads as it is.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

const zipPath = fileURLToPath(new URL('../../devtools-extension/dogpile-cache-devtools.zip', import.meta.url));

describe('the devtools extension zip', () => {
  it('has manifest.json at its root and every file the manifest names', () => {
    expect(existsSync(zipPath), 'run `npm run build` first').toBe(true);
    const files = unzipSync(readFileSync(zipPath));
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest.manifest_version).toBe(3);
    const named = [
      manifest.devtools_page,
      manifest.background?.service_worker,
      ...(manifest.content_scripts ?? []).flatMap((script: { js?: string[] }) => script.js ?? []),
      ...Object.values(manifest.icons ?? {}),
    ].filter((file): file is string => typeof file === 'string');
    expect(named.length).toBeGreaterThan(2);
    for (const file of named) expect(files[file], `${file} is missing from the zip`).toBeDefined();
    expect(Object.keys(files).some((file) => file.endsWith('.map'))).toBe(false);
  });
});
