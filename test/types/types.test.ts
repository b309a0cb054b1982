// Type tests: tsc on the fixtures in test/types/fixtures against the built
// declarations (dist/, found by the package's own name through `exports`).
// Each tsconfig.*.json here is one consumer setup, all with skipLibCheck off;
// `// @ts-expect-error` lines fail the run if the error they expect goes away.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const configs = readdirSync(here).filter((file) => /^tsconfig\..+\.json$/.test(file) && file !== 'tsconfig.base.json');

async function typecheck(config: string): Promise<string> {
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', here + config], { cwd: here, encoding: 'utf8' });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout || error);
  }
}

describe('types for consumers', () => {
  it.each(configs)('%s compiles', { timeout: 60_000 }, async (config) => {
    expect(await typecheck(config)).toBe('');
  });
});
