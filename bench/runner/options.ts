/**
 * Command-line options of `npm run bench`.
 *
 * @module
 */

/** What to run and how long to measure. */
export interface BenchOptions {
  /** Repetitions per case (interleaved). */
  reps: number;
  /** Minimum length of one repetition, ms. */
  minMs: number;
  /** Unrecorded warm-up per case before the repetitions, ms. */
  warmupMs: number;
  /** Suite ids to run; empty: all. */
  suites: string[];
  node: boolean;
  browser: boolean;
  size: boolean;
  /** Port of the page server (127.0.0.1). */
  port: number;
  /** Write bench/results/latest.{json,md}. */
  write: boolean;
  help: boolean;
}

export const USAGE = `npm run bench [-- options]

  --reps N        repetitions per case, interleaved (default 5)
  --ms N          minimum ms per repetition (default 1000)
  --warmup N      unrecorded warm-up ms per case (default 300)
  --suites a,b    only these suites (memory-hit, stampede, encoding, storage-read,
                  storage-write, storage-bulk, storage-multi, cross-tab, worker,
                  size, redis)
  --no-redis      skip the Redis suite (bench/redis.mjs, run after the others)
  --no-node       skip the Node measurements
  --no-browser    skip the Chromium measurements
  --no-size       skip the bundle sizes
  --no-write      print only; keep bench/results/latest.* as they are
  --port N        page server port on 127.0.0.1 (default 5191, or BENCH_PORT)
`;

/** Parses `argv` (without node and script). Throws on an unknown or malformed option. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    reps: 5,
    minMs: 1000,
    warmupMs: 300,
    suites: [],
    node: true,
    browser: true,
    size: true,
    port: Number(process.env.BENCH_PORT || 5191),
    write: true,
    help: false,
  };
  const number = (name: string, value: string | undefined, min: number): number => {
    const parsed = Number(value);
    if (value === undefined || !Number.isInteger(parsed) || parsed < min) throw new Error(`${name} expects an integer >= ${min}, got ${value ?? 'nothing'}`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--reps':
        options.reps = number(arg, argv[++i], 1);
        break;
      case '--ms':
        options.minMs = number(arg, argv[++i], 1);
        break;
      case '--warmup':
        options.warmupMs = number(arg, argv[++i], 0);
        break;
      case '--suites':
        options.suites = (argv[++i] ?? '').split(',').filter(Boolean);
        break;
      case '--port':
        options.port = number(arg, argv[++i], 1);
        break;
      case '--no-node':
        options.node = false;
        break;
      case '--no-browser':
        options.browser = false;
        break;
      case '--no-size':
        options.size = false;
        break;
      case '--no-write':
        options.write = false;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return options;
}

/** Whether suite `id` is selected. */
export function wants(options: BenchOptions, id: string): boolean {
  return options.suites.length === 0 || options.suites.includes(id);
}
