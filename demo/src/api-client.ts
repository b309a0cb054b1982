/** The page's side of the demo API (see demo/api/slow-api.ts). */

export interface PackageResult {
  name: string;
  description: string;
  version: string;
  weekly: number;
  keywords: string[];
}

export interface SearchResponse {
  query: string;
  total: number;
  results: PackageResult[];
  /** When the server answered, epoch ms. */
  servedAt: number;
}

export interface RequestCounts {
  total: number;
  inFlight: number;
  bySource: Record<string, number>;
  byQuery: Record<string, number>;
}

/** Searches the catalog; `source` tags the request with the region that asked, for the server's counts. */
export async function searchPackages(query: string, source: string, options: { fail?: boolean } = {}): Promise<SearchResponse> {
  const params = new URLSearchParams({ q: query, source });
  if (options.fail) params.set('fail', '1');
  const response = await fetch(`/api/search?${params}`);
  const body = (await response.json().catch(() => ({}))) as Partial<SearchResponse> & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `The search API answered ${response.status}`);
  return body as SearchResponse;
}

/** The server's request counts. */
export async function fetchRequestCounts(): Promise<RequestCounts> {
  const response = await fetch('/api/requests');
  if (!response.ok) throw new Error(`The counts API answered ${response.status}`);
  return (await response.json()) as RequestCounts;
}

/** The demo's server side: Node processes sharing one Redis region (demo/api/server-side.ts). */
export interface ServerSideStatus {
  state: 'starting' | 'running' | 'off';
  reason?: string;
  processes: string[];
  redis?: string;
}

/** One server process's answer to a search (demo/api/search-process.ts). */
export interface ServerSearchAnswer {
  process: string;
  pid: number;
  /** `created`: this process ran the creator; `cached`: Redis had it, or another process made it meanwhile. */
  outcome: 'created' | 'cached';
  tookMs: number;
  result: SearchResponse;
}

/** The server side's state. */
export async function fetchServerSideStatus(): Promise<ServerSideStatus> {
  const response = await fetch('/api/server/status');
  if (!response.ok) throw new Error(`The server-side API answered ${response.status}`);
  return (await response.json()) as ServerSideStatus;
}

/** Asks every server process `per` times at once (the demo server sends the requests, so none queue in the browser). */
export async function searchOnEveryServer(query: string, per: number): Promise<(ServerSearchAnswer | { process: string; error: string })[]> {
  const response = await fetch(`/api/server/ask-all?${new URLSearchParams({ q: query, per: String(per) })}`);
  const body = (await response.json().catch(() => ({}))) as unknown;
  if (!response.ok || !Array.isArray(body)) throw new Error((body as { error?: string }).error ?? `The server answered ${response.status}`);
  return body as (ServerSearchAnswer | { process: string; error: string })[];
}

/** Invalidates the server processes' shared region. */
export async function invalidateOnServer(): Promise<void> {
  const response = await fetch('/api/server/invalidate', { method: 'POST' });
  if (!response.ok) throw new Error(`The server answered ${response.status}`);
}
