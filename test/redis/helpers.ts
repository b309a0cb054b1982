/**
 * Helpers of the Redis tests: forked region processes, bounded waits, and a
 * unique prefix per test so tests never see each other's keys.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/** A prefix no other test uses. */
export function uniquePrefix(): string {
  return `test-${randomUUID().slice(0, 8)}:`;
}

/** Resolves when `check` returns true; rejects after `timeoutMs` (a bound, not a timing assertion). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What a child reports without being asked. */
export interface ChildEvent {
  event: string;
  key?: string;
  origin?: string;
  hard?: boolean;
  remote?: boolean;
}

/** Settings of the region a child configures. */
export interface ChildRegion {
  prefix: string;
  name?: string;
  expirationTime?: number;
  lockTimeout?: number;
  errorBackoff?: number;
  url?: string;
  /** `createCluster` options: the child connects to a cluster instead of `url`. */
  cluster?: { rootNodes: Array<{ url: string }>; [option: string]: unknown };
  /** `createSentinel` options: the child connects through Sentinel instead of `url`. */
  sentinel?: { name: string; sentinelRootNodes: Array<{ host: string; port: number }>; [option: string]: unknown };
  commandTimeout?: number;
  whenUnavailable?: 'fail' | 'create';
  /** The child reports every miss as an event. */
  reportMisses?: boolean;
}

/** A forked process holding one Redis region (see child.ts). */
export class RegionProcess {
  readonly proc: ChildProcess;
  readonly events: ChildEvent[] = [];
  #next = 0;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #listeners = new Set<(event: ChildEvent) => void>();

  private constructor(proc: ChildProcess) {
    this.proc = proc;
    proc.on('message', (message: { id?: number; result?: unknown; error?: string } & ChildEvent) => {
      if (message.id !== undefined) {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) pending?.reject(new Error(message.error));
        else pending?.resolve(message.result);
        return;
      }
      this.events.push(message);
      this.#listeners.forEach((listener) => listener(message));
    });
    proc.on('exit', () => {
      for (const pending of this.#pending.values()) pending.reject(new Error('child exited'));
      this.#pending.clear();
    });
  }

  /** Forks a child and configures its region; resolves once it is ready. */
  static async start(region: ChildRegion): Promise<RegionProcess> {
    const proc = fork(inject('childScript'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const child = new RegionProcess(proc);
    const ready = child.next((e) => e.event === 'ready', 10_000);
    proc.send({ init: { url: inject('redisUrl'), name: 'shared', ...region } });
    await ready;
    return child;
  }

  /** Sends a request; resolves with the child's answer. */
  request<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.proc.send({ id, op, ...args });
    });
  }

  /** Lets this child's blocked creator for `key` finish. */
  proceed(key: string): void {
    this.proc.send({ proceed: key });
  }

  /** The next event (already received ones included) matching `match`, within `timeoutMs`. */
  next(match: (event: ChildEvent) => boolean, timeoutMs = 10_000): Promise<ChildEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`child ${this.proc.pid}: no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event: ChildEvent) => {
        if (!match(event)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(event);
      };
      this.#listeners.add(listener);
    });
  }

  /** Forgets the events received so far. */
  clearEvents(): void {
    this.events.length = 0;
  }

  /** Listens to every event from now on. */
  onEvent(listener: (event: ChildEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Kills the child and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill(signal);
    await exited;
  }
}

/**
 * Runs one stampede round on `key` in every child (`n` callers each): each
 * creator blocks until every child reports that all its callers read the
 * key while the lock was held, so contention is certain. Resolves with the
 * total creator calls and the values callers got.
 */
export async function stampede(children: RegionProcess[], key: string, n: number, expired = false): Promise<{ calls: number; values: string[]; creators: number }> {
  let creators = 0;
  const contending = Promise.all(children.map((child) => child.next((e) => e.event === 'contending' && e.key === key, 15_000)));
  const creating = new Promise<RegionProcess>((resolve) => {
    for (const child of children) {
      const stop = child.onEvent((e) => {
        if (e.event !== 'creating' || e.key !== key) return;
        stop();
        creators++;
        resolve(child);
      });
    }
  });
  const results = children.map((child) => child.request<{ calls: number; values: string[] }>('stampede', { key, n, expired }));
  await creating;
  await contending;
  // Let any other creator that started (a failure) finish too, so the round ends.
  for (const child of children) child.proceed(key);
  const answers = await Promise.all(results);
  return { calls: answers.reduce((sum, a) => sum + a.calls, 0), values: [...new Set(answers.flatMap((a) => a.values))], creators };
}

/**
 * The processes one test file starts: `startAll` forks and configures them,
 * `killAll` ends every one still running (call it from afterEach).
 */
export function processPool(): { startAll(count: number, region: ChildRegion): Promise<RegionProcess[]>; killAll(): Promise<void> } {
  const started: RegionProcess[] = [];
  return {
    async startAll(count, region) {
      const children = await Promise.all(Array.from({ length: count }, () => RegionProcess.start(region)));
      started.push(...children);
      return children;
    },
    async killAll() {
      await Promise.all(started.splice(0).map((child) => child.kill('SIGKILL')));
    },
  };
}
