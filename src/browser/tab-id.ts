/**
 * The id of this tab (or worker) in other tabs' change feeds.
 *
 * @module
 */
import { ORIGIN_ID } from '../origin.js';

/**
 * The id of this JavaScript realm ({@link ORIGIN_ID}): every backend of a tab
 * stamps its writes and invalidations with the same one, and messages
 * carrying it are known to be this tab's own.
 */
export function tabId(): string {
  return ORIGIN_ID;
}
