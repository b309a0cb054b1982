// What a user of the core ships: a region over the memory backend
// (`makeRegion().configure('memory')` pulls in the lock, the region and the backend registry).
export { makeRegion } from 'dogpile-cache';
