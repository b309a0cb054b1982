/**
 * Runs the Node suite in a child process, so the runner's own work
 * (Vite, Playwright) shares no heap or event loop with the measurements.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import type { RunSettings, SuiteResult } from '../cases/suite-runner.js';

const RESULT_MARKER = '--- bench result ---';

/** Runs the built Node suite (`script`) and resolves with its results. */
export function runNodeSuite(script: string, settings: RunSettings, suites: readonly string[]): Promise<SuiteResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(settings), suites.join(',')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const at = stdout.lastIndexOf(RESULT_MARKER);
      if (code !== 0 || at < 0) {
        reject(new Error(`the Node suite exited with code ${code}${at < 0 ? ' without a result' : ''}`));
        return;
      }
      resolve(JSON.parse(stdout.slice(at + RESULT_MARKER.length)) as SuiteResult[]);
    });
  });
}
