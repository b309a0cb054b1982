// The core stays free of OpenTelemetry: only src/otel imports it, and only
// the optional peer `@opentelemetry/api` (never an SDK).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Module specifiers a file imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from\s*|import\s*\(?\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

describe('OpenTelemetry stays in src/otel', () => {
  it('no module outside src/otel imports @opentelemetry', () => {
    const offenders = sources('src')
      .filter((file) => !file.startsWith('src/otel/'))
      .filter((file) => specifiers(file).some((specifier) => specifier.startsWith('@opentelemetry/')));
    expect(offenders).toEqual([]);
  });

  it('src/otel imports only @opentelemetry/api of OpenTelemetry', () => {
    const imported = sources('src/otel').flatMap(specifiers).filter((specifier) => specifier.startsWith('@opentelemetry/'));
    expect(imported.length).toBeGreaterThan(0);
    expect([...new Set(imported)]).toEqual(['@opentelemetry/api']);
  });
});
