/**
 * A `Storage` in memory, with an optional quota in characters (key + value,
 * as browsers count) that throws the browser's `QuotaExceededError`.
 */
export class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  readonly #quota: number;

  constructor(quota = Infinity) {
    this.#quota = quota;
  }

  get length(): number {
    return this.#items.size;
  }

  get used(): number {
    let total = 0;
    for (const [key, value] of this.#items) total += key.length + value.length;
    return total;
  }

  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    const previous = this.#items.get(key);
    const after = this.used - (previous === undefined ? 0 : key.length + previous.length) + key.length + value.length;
    if (after > this.#quota) throw new DOMException(`Setting the value of '${key}' exceeded the quota.`, 'QuotaExceededError');
    this.#items.set(key, String(value));
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }

  clear(): void {
    this.#items.clear();
  }

  [name: string]: unknown;
}
