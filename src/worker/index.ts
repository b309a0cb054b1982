/**
 * `dogpile-cache/worker`: a region hosted in a (Shared)Worker over comlink.
 *
 * In the worker, {@link exposeRegion} serves a region to every page that
 * connects. In the page, {@link connectRegion} (SharedWorker, else Worker,
 * else in-page) or {@link wrapRegion} (a given worker or port) returns a
 * {@link RegionClient} with the region's API. In a SharedWorker, all tabs of
 * the origin share one memory tier and one dogpile lock, so one creator runs
 * per key across tabs without Web Locks.
 *
 * @module
 */
export { exposeRegion, RegionHost, type ExposeRegionOptions, type NamedCreator, type NamedMultiCreator } from './host.js';
export { wrapRegion, WorkerRegionClient, type WrapRegionOptions } from './client.js';
export { connectRegion, type ConnectRegionOptions } from './connect.js';
export { InPageRegionClient, type InPageRegionClientOptions } from './in-page-client.js';
export { WorkerRegionView, registerClientWithDevtools } from './devtools-view.js';
export type { WorkerSource } from './connection.js';
export type { RegionMethods } from './methods.js';
export type { ClientCreator, ClientMultiCreator, InvalidationState, PeekedEntry, RegionClient, RegionClientMode } from './region-client.js';
export { CreatorGoneError, UnknownCreatorError, ValueNotCloneableError, WorkerUnavailableError } from './errors.js';
export { PROTOCOL_VERSION } from './protocol.js';
