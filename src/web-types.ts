/**
 * The few browser types the public declarations mention, declared
 * structurally so that the package's `.d.ts` compile in every environment
 * (`lib: ["dom"]`, `["webworker"]`, Node) without `skipLibCheck`.
 * The real objects (`window.localStorage`, `new SharedWorker(...)`) fit them.
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

/** What the worker client uses of a `SharedWorker` (workers have no `SharedWorker` type). */
export interface SharedWorkerLike extends EventTarget {
  readonly port: MessagePort;
}
