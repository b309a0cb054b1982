/**
 * `dogpile-cache/devtools`: the page side of the dogpile-cache devtools
 * extension. Opt in from your page:
 *
 * ```ts
 * import { inspect } from 'dogpile-cache/devtools';
 * inspect(usersRegion, postsRegion);
 * ```
 *
 * Regions register through a global queue, so the page, the inspector and
 * the extension may start in any order. Nothing is observed until a panel
 * attaches. The core never imports this entry.
 *
 * @module
 */
import type { InspectableRegion } from './inspectable.js';
import { registerRegion } from './hook.js';
import { installInspector, type Inspector, type InspectorOptions } from './inspector.js';

export type { InspectableRegion } from './inspectable.js';
export { DEVTOOLS_HOOK, devtoolsHook, registerRegion, type DevtoolsHook, type HookListener } from './hook.js';
export { Inspector, installInspector, type InspectorOptions } from './inspector.js';
export { windowTransport, createMemoryChannel, type InspectorTransport, type MemoryPanelSide } from './transport.js';
export { makePreview, parsePreview, approximateSize, DEFAULT_PREVIEW_LIMITS, type ValuePreview, type PreviewLimits } from './preview.js';
export {
  PROTOCOL_SOURCE,
  PROTOCOL_VERSION,
  MAX_PAGE_SIZE,
  MAX_EVENTS_PER_BATCH,
  MAX_TEXT,
  MAX_REGIONS,
  pageMessage,
  panelCommand,
  parsePageMessage,
  parsePanelCommand,
  parseRegionInfo,
  isPageEnvelope,
  isPanelEnvelope,
  type PageMessage,
  type PageMessageBody,
  type PanelCommand,
  type PanelCommandBody,
  type RegionInfo,
  type EntryInfo,
  type EntryStatus,
  type EventInfo,
  type StatsInfo,
  type InvalidationInfo,
} from './protocol.js';

/**
 * Registers regions with the devtools and starts the inspector on this page.
 * Where there is no window (Node, SSR) it only registers them and returns
 * `undefined`.
 */
export function inspect(...regions: InspectableRegion[]): Inspector | undefined;
export function inspect(options: InspectorOptions, ...regions: InspectableRegion[]): Inspector | undefined;
export function inspect(...args: Array<InspectableRegion | InspectorOptions>): Inspector | undefined {
  const first = args[0];
  const hasOptions = first !== undefined && typeof (first as InspectableRegion).subscribe !== 'function';
  const options = hasOptions ? (first as InspectorOptions) : {};
  const regions = (hasOptions ? args.slice(1) : args) as InspectableRegion[];
  for (const region of regions) registerRegion(region);
  if (!options.transport && typeof window === 'undefined') return undefined;
  return installInspector(options);
}
