// The README's quick starts are the fixtures that the type tests compile and
// the packaging test builds: this keeps the two from drifting apart.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const readme = read('../../README.md');

/** The first fenced code block after the heading `title`. */
function blockAfter(title: string): string | undefined {
  const section = readme.split(`\n## ${title}\n`)[1];
  return section?.match(/```\w*\n([\s\S]*?)```/)?.[1];
}

describe('the README', () => {
  it('starts with the install command', () => {
    expect(blockAfter('Install')).toContain('npm install dogpile-cache');
  });
  it.each([
    ['Quick start: React', 'react-quick-start.tsx'],
    ['Quick start: Preact', 'preact-quick-start.tsx'],
  ])('"%s" is test/types/fixtures/readme/%s', (title, fixture) => {
    expect(blockAfter(title)).toBe(read(`fixtures/readme/${fixture}`));
  });
  it('keeps the development commands in a section of their own', () => {
    const development = readme.split('\n## Development\n')[1] ?? '';
    expect(development).toContain('npm start');
    expect(development).toContain('npm test');
  });
});
