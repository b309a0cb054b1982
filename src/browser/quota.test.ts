// Making room under a usage figure that does not fall after deletes: a write
// evicts at most its own bytes' worth, later writes nothing more while that
// room is owed, and the newest entry always stays.
import { describe, expect, it } from 'vitest';
import { UnclaimedRoom, writeMakingRoom, type RoomMaking } from './quota.js';

const full = () => {
  throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
};

/** A namespace of `count` entries of `size` bytes whose storage gives no room back (the usage figure lags). */
function lagging(count: number, size: number, write: () => void = full) {
  const entries = Array.from({ length: count }, (_, i) => `k${i}`);
  const evicted: string[] = [];
  const room = (bytes: number): RoomMaking => ({
    write,
    bytes,
    evictDead: () => 0,
    evictOldest: (n) => {
      const gone = entries.splice(0, Math.min(n, entries.length - 1));
      evicted.push(...gone);
      return { removed: gone.length, bytes: gone.length * size };
    },
    onEvicted: () => {},
    fail: (n, b) => new Error(`refused after evicting ${n} (${b} bytes)`),
  });
  return { entries, evicted, room };
}

describe('writeMakingRoom', () => {
  it('evicts only as far as the write\'s bytes, then refuses; the next writes evict nothing more', async () => {
    const { entries, evicted, room } = lagging(11, 1_000);
    const unclaimed = new UnclaimedRoom();
    await expect(writeMakingRoom(room(1_000), unclaimed)).rejects.toThrow('refused after evicting 1 (1000 bytes)');
    for (let i = 0; i < 18; i++) await expect(writeMakingRoom(room(1_000), unclaimed)).rejects.toThrow('refused after evicting 0');
    expect(evicted).toEqual(['k0']);
    expect(entries).toHaveLength(10);
  });

  it('takes the oldest in doubling batches up to a larger write\'s bytes, never the newest entry', async () => {
    const { entries, room } = lagging(5, 1_000);
    await expect(writeMakingRoom(room(100_000))).rejects.toThrow('refused after evicting 4');
    expect(entries).toEqual(['k4']);
  });

  it('a write that goes through clears what was owed', async () => {
    let fail = true;
    const { evicted, room } = lagging(11, 1_000, () => (fail ? full() : undefined));
    const unclaimed = new UnclaimedRoom();
    await expect(writeMakingRoom(room(1_000), unclaimed)).rejects.toThrow();
    fail = false;
    await writeMakingRoom(room(1_000), unclaimed);
    expect(unclaimed.owed).toBe(0);
    fail = true;
    await expect(writeMakingRoom(room(1_000), unclaimed)).rejects.toThrow('refused after evicting 1');
    expect(evicted).toEqual(['k0', 'k1']);
  });
});
