// A region over a browser backend: the core plus `dogpile-cache/browser` (whole entry).
export { makeRegion } from 'dogpile-cache';
export * from 'dogpile-cache/browser';
