// The whole `dogpile-cache/worker` entry with the region it hosts.
export { makeRegion } from 'dogpile-cache';
export * from 'dogpile-cache/worker';
