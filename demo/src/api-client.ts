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
