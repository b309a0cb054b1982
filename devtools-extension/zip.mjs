// Packs the built extension folder into one zip, ready for "Load unpacked"
// after extracting or for uploading to the Chrome Web Store. Source maps are
// left out: the store does not need them and they double the size.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';

/** Every file under `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir, root = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, root) : [relative(root, path).split('\\').join('/')];
  });
}

/**
 * Zips `dir` into `zipPath` with manifest.json at the archive's root.
 * Fixed timestamps keep the zip identical from one build to the next.
 * @returns the number of files packed.
 */
export function zipExtension(dir, zipPath) {
  const files = filesUnder(dir).filter((file) => !file.endsWith('.map')).sort();
  if (!files.includes('manifest.json')) throw new Error(`zipExtension: no manifest.json in ${dir}`);
  const mtime = new Date('2000-01-01T00:00:00Z');
  const entries = Object.fromEntries(files.map((file) => [file, [readFileSync(join(dir, file)), { mtime }]]));
  writeFileSync(zipPath, zipSync(entries, { level: 9 }));
  return files.length;
}
