export { openDB } from 'idb';
