/**
 * Natural order for cache keys: runs of digits compare as numbers, so
 * `bulk:2` sorts before `bulk:10` (plain code-unit order puts `bulk:10`
 * first).
 *
 * @module
 */

const CHUNKS = /\d+|\D+/g;

/**
 * Compares two keys in natural order. A total order: keys that differ only in
 * leading zeros (`a1`, `a01`) fall back to code-unit order, so sorting is
 * stable and deterministic whatever the input order.
 */
export function compareNatural(a: string, b: string): number {
  const left = a.match(CHUNKS) ?? [];
  const right = b.match(CHUNKS) ?? [];
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const order = isDigits(x) && isDigits(y) ? compareDigits(x, y) : codeUnitOrder(x, y);
    if (order !== 0) return order;
  }
  if (left.length !== right.length) return left.length - right.length;
  return codeUnitOrder(a, b);
}

function isDigits(chunk: string): boolean {
  const c = chunk.charCodeAt(0);
  return c >= 48 && c <= 57;
}

/** Numbers of any length, without parsing (keys may hold ids beyond 2^53). */
function compareDigits(x: string, y: string): number {
  const u = x.replace(/^0+(?=\d)/, '');
  const v = y.replace(/^0+(?=\d)/, '');
  if (u.length !== v.length) return u.length - v.length;
  return codeUnitOrder(u, v);
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
