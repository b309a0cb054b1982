/**
 * Fragment caching, after Mako's cached blocks (`cached`, `cache_key`,
 * `cache_timeout`, `cache_region`): when a tree is rendered to a string
 * (`renderToStringAsync` from preact-render-to-string, e.g. server-side
 * rendering), `<CachedFragment>` stores the HTML of its children in a
 * region and serves it from there until it expires or is invalidated.
 *
 * @module
 */
import { Fragment, h, options, type ComponentChildren, type VNode } from 'preact';
import { jsxTemplate } from 'preact/jsx-runtime';
import { defaultToStr, type CacheRegion } from '../index.js';
import { checkRegion } from '../hooks/check-input.js';

/** Props of {@link CachedFragment}. */
export interface CachedFragmentProps {
  /** The region that stores the HTML (Mako's `cache_region`). */
  region: CacheRegion;
  /** The cache key, used as given (Mako's `cache_key`). Give this, or `name`. */
  cacheKey?: string;
  /** Derives the key with {@link fragmentKey} from `name` and `vary`, when there is no `cacheKey`. */
  name?: string;
  /** Values the fragment depends on (user id, locale, ...): part of the derived key. */
  vary?: readonly unknown[];
  /** Expiration of this fragment in ms, overriding the region's (Mako's `cache_timeout`). */
  expirationTime?: number;
  children?: ComponentChildren;
}

/**
 * The key a fragment named `name` is stored under:
 * `fragment|name`, plus `|` and the `vary` values (as the default key
 * generator writes arguments) when there are any.
 */
export function fragmentKey(name: string, vary: readonly unknown[] = []): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('dogpile-cache: a fragment name must be a non-empty string');
  if (!Array.isArray(vary)) throw new TypeError('dogpile-cache: vary must be an array');
  return vary.length === 0 ? `fragment|${name}` : `fragment|${name}|${vary.map(defaultToStr).join(' ')}`;
}

/**
 * Removes a cached fragment, so the next render renders its children again.
 * `key` is the fragment's `cacheKey`, or `fragmentKey(name, vary)`.
 */
export function invalidateFragment(region: CacheRegion, key: string): Promise<void> {
  checkRegion('invalidateFragment', region, ['delete']);
  return region.delete(key);
}

/** The key a {@link CachedFragment} uses for its props. */
export function cachedFragmentKey(props: Pick<CachedFragmentProps, 'cacheKey' | 'name' | 'vary'>): string {
  if (props.cacheKey !== undefined) {
    if (typeof props.cacheKey !== 'string' || props.cacheKey === '') throw new TypeError('dogpile-cache: cacheKey must be a non-empty string');
    return props.cacheKey;
  }
  if (props.name === undefined) {
    throw new TypeError('dogpile-cache: <CachedFragment> needs a cacheKey, or a name (plus optional vary) to derive one');
  }
  return fragmentKey(props.name, props.vary);
}

// preact-render-to-string sets `options.__s` (skip effects) while it renders;
// Preact's DOM renderer never does.
function renderingToString(): boolean {
  return Boolean((options as { __s?: boolean }).__s);
}

interface Lookup {
  done: boolean;
  html?: string;
  failed?: { error: unknown };
  promise: Promise<void>;
}

/**
 * Caches the rendered HTML of its children in `region` when the tree is
 * rendered with `renderToStringAsync`; the children are rendered only on a
 * miss (with the context of the surrounding tree). In the browser's DOM
 * renderer it renders its children as they are, so a page hydrates the
 * same markup. The synchronous `renderToString` cannot wait for a cache and
 * throws preact-render-to-string's "Use renderToStringAsync" error.
 *
 * @example
 * ```tsx
 * <CachedFragment region={region} name="sidebar" vary={[user.id]} expirationTime={60_000}>
 *   <Sidebar user={user} />
 * </CachedFragment>
 * ```
 */
export function CachedFragment(props: CachedFragmentProps, context?: object): ComponentChildren {
  checkRegion('<CachedFragment>', props.region, ['getOrCreate']);
  if (!renderingToString()) return h(Fragment, null, props.children);
  const { region, expirationTime, children } = props;
  const key = cachedFragmentKey(props);
  const lookup: Lookup = { done: false, promise: Promise.resolve() };
  lookup.promise = region
    .getOrCreate(key, () => renderChildren(children, context), { expirationTime })
    .then(
      (html) => {
        if (typeof html === 'string') lookup.html = html;
        else lookup.failed = { error: new TypeError(`dogpile-cache: the value cached under "${key}" is not a string of HTML`) };
      },
      (error: unknown) => {
        lookup.failed = { error };
      },
    )
    .finally(() => {
      lookup.done = true;
    });
  return h(CachedHtml, { lookup });
}

/**
 * Renders the children of a missed fragment. preact-render-to-string is
 * loaded here, on first use, so pages that only use the hooks never load it.
 */
async function renderChildren(children: ComponentChildren, context: object | undefined): Promise<string> {
  const { renderToStringAsync } = await import('preact-render-to-string');
  return renderToStringAsync(h(Fragment, null, children), context);
}

/** Suspends until the lookup is done, then writes its HTML as it is. */
function CachedHtml({ lookup }: { lookup: Lookup }): VNode {
  if (!lookup.done) throw lookup.promise;
  if (lookup.failed) throw lookup.failed.error;
  // A template vnode is written verbatim by preact-render-to-string: the
  // cached markup, without a wrapper element.
  return jsxTemplate([lookup.html!]);
}
