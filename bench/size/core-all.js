// The whole `dogpile-cache` entry, every export kept (the upper bound of the core).
export * from 'dogpile-cache';
