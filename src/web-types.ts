/**
 * The browser type the localstorage backend's declarations mention, declared
 * structurally so that the package's `.d.ts` compile in every environment
 * (`lib: ["dom"]`, `["webworker"]`, Node) without `skipLibCheck`.
 * `window.localStorage` fits it.
 *
 * @module
 */

/** What the `localstorage` backend uses of a Web Storage object such as `window.localStorage`. */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
