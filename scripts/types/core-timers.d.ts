// The only environment globals the isomorphic core uses: timers, which every
// JavaScript runtime it supports (browsers, workers, Node) provides.
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
