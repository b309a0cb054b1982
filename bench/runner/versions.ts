/**
 * The versions a result depends on: every measured package, the toolchain,
 * Node, Chromium and the machine.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { root } from './paths.js';

/** Packages whose versions are recorded with every result. */
export const RECORDED_PACKAGES = [
  'lru-cache',
  'cache-manager',
  'keyv',
  '@tanstack/query-core',
  'idb-keyval',
  'localforage',
  'idb',
  'comlink',
  '@noble/hashes',
  'preact',
  'vite',
  'rolldown',
  'typescript',
  '@playwright/test',
];

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(resolve(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function gitDescribe(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (src/ modified)` : commit;
  } catch {
    return 'unknown';
  }
}

/** Versions of dogpile-cache (package version and commit) and of every recorded package. */
export function packageVersions(): Record<string, string> {
  const own = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
  const measured = process.env.BENCH_SRC ? ` (sources from BENCH_SRC=${process.env.BENCH_SRC})` : '';
  const versions: Record<string, string> = { 'dogpile-cache': `${own.version} @ ${gitDescribe()}${measured}` };
  for (const name of RECORDED_PACKAGES) versions[name] = packageVersion(name);
  return versions;
}

/** The machine and runtimes. */
export function environment(chromiumVersion: string | undefined): Record<string, string> {
  const cpu = cpus();
  return {
    node: process.version,
    chromium: chromiumVersion ?? 'not run',
    os: `${process.platform} ${release()}`,
    cpu: `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  };
}
