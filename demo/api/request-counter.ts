/** Counts the search requests the demo API has received, by region and by query. */
export interface RequestCounts {
  total: number;
  /** Requests being served right now (waiting out the delay). */
  inFlight: number;
  /** By the `source` the page tagged the request with (its region: memory, localstorage, indexeddb). */
  bySource: Record<string, number>;
  /** By `source|query`. */
  byQuery: Record<string, number>;
}

export class RequestCounter {
  #counts: RequestCounts = { total: 0, inFlight: 0, bySource: {}, byQuery: {} };

  /** Records a request as it arrives; returns the function to call when it is answered. */
  start(source: string, query: string): () => void {
    const counts = this.#counts;
    counts.total++;
    counts.inFlight++;
    counts.bySource[source] = (counts.bySource[source] ?? 0) + 1;
    const byQuery = `${source}|${query}`;
    counts.byQuery[byQuery] = (counts.byQuery[byQuery] ?? 0) + 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // A reset while this request ran must not make the figure negative.
      if (this.#counts === counts) counts.inFlight--;
    };
  }

  snapshot(): RequestCounts {
    const { total, inFlight, bySource, byQuery } = this.#counts;
    return { total, inFlight, bySource: { ...bySource }, byQuery: { ...byQuery } };
  }

  reset(): void {
    this.#counts = { total: 0, inFlight: 0, bySource: {}, byQuery: {} };
  }
}
