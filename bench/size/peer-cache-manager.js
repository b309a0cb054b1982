export { createCache } from 'cache-manager';
