/**
 * Reading the JSON objects the backend publishes and stores (change
 * messages, invalidation records), which anyone with access to the server
 * could also have written.
 *
 * @module
 */

/** The object `text` holds as JSON, or `undefined` for anything else (not a string, not JSON, not an object). */
export function parseJsonObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
