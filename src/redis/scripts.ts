/**
 * The Lua scripts the backend runs: each makes a read-then-write atomic on
 * the server, which no sequence of plain commands from a client can.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { RedisArgument, RedisConnection } from './connection.js';
import { keySlot } from './slots.js';

/** A Lua script, sent by its SHA1 once the server has it. */
export class RedisScript {
  readonly source: string;
  readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script: EVALSHA, and EVAL when the server does not have it
   * cached (first use, or after a restart or SCRIPT FLUSH).
   */
  async run(connection: RedisConnection, keys: readonly string[], args: readonly RedisArgument[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await connection.command(['EVALSHA', this.sha, ...tail]);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return connection.command(['EVAL', this.source, ...tail]);
    }
  }
}

/**
 * Loads scripts into the server's cache before they are first needed (once
 * per node), so the first EVALSHA finds them: a release then takes one
 * round trip, not two, and is sent before a closing process lets go of its
 * connection. Failures are ignored (EVALSHA falls back to EVAL), and a
 * node is tried again on its next use.
 */
export class ScriptPreload {
  readonly #scripts: readonly RedisScript[];
  readonly #loaded = new Map<string, Promise<void>>();

  constructor(scripts: readonly RedisScript[]) {
    this.#scripts = scripts;
  }

  /** Resolves once the scripts are loaded on the node of `key` (or that failed). */
  ensure(connection: RedisConnection, key: string): Promise<void> {
    const node = connection.nodeOf(connection.kind === 'cluster' ? keySlot(key) : 0);
    let loading = this.#loaded.get(node);
    if (!loading) {
      loading = Promise.all(this.#scripts.map((script) => connection.command(['SCRIPT', 'LOAD', script.source], key))).then(
        () => {},
        () => void this.#loaded.delete(node),
      );
      this.#loaded.set(node, loading);
    }
    return loading;
  }
}

/**
 * Deletes the lock only if it still holds our token (never another holder's
 * lock, e.g. after our lease ran out and someone else took it), then
 * publishes the key on the release channel so waiters retry at once.
 * KEYS[1] lock key; ARGV[1] token, ARGV[2] release channel (`''` on a
 * cluster, where the channel lives on another shard and the caller
 * publishes after the script).
 */
export const RELEASE_LOCK = new RedisScript(`
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
  if ARGV[2] ~= '' then redis.call('publish', ARGV[2], KEYS[1]) end
  return 1
end
return 0`);

/**
 * Extends the lease only if the lock still holds our token.
 * KEYS[1] lock key; ARGV[1] token, ARGV[2] lease ms.
 */
export const EXTEND_LOCK = new RedisScript(`
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`);

/**
 * Stores an invalidation record unless the stored one orders after it
 * (time, then hard over soft, then origin id: the order every process
 * applies, so concurrent invalidations converge on the same record), and
 * publishes the record that won. Returns the stored record.
 * KEYS[1] invalidation key; ARGV[1] record JSON, ARGV[2] channel, ARGV[3]
 * `publish` or `spublish` (a cluster: the channel has the key's name, so
 * its shard is the key's slot).
 */
export const SAVE_INVALIDATION = new RedisScript(`
local new = cjson.decode(ARGV[1])
local raw = redis.call('get', KEYS[1])
if raw then
  local ok, cur = pcall(cjson.decode, raw)
  if ok and type(cur) == 'table' and type(cur.at) == 'number' then
    local newer
    if new.at ~= cur.at then newer = new.at > cur.at
    elseif new.hard ~= cur.hard then newer = new.hard == true
    else newer = tostring(new.origin) > tostring(cur.origin) end
    if not newer then return raw end
  end
end
redis.call('set', KEYS[1], ARGV[1])
redis.call(ARGV[3], ARGV[2], ARGV[1])
return ARGV[1]`);
