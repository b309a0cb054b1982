/**
 * Recognising "storage is full" across browsers and storage APIs.
 *
 * @module
 */

/** Whether `error` is a browser's quota error (localStorage `setItem`, an aborted IndexedDB transaction). */
export function isQuotaError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  // Chromium/WebKit: QuotaExceededError (legacy code 22); old Firefox: NS_ERROR_DOM_QUOTA_REACHED (1014).
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}
