/**
 * What the worker client uses of a `SharedWorker`, declared structurally:
 * worker scopes have no `SharedWorker` type, and the worker entry's `.d.ts`
 * must compile under `lib: ["webworker"]` too.
 *
 * @module
 */
export interface SharedWorkerLike extends EventTarget {
  readonly port: MessagePort;
}
