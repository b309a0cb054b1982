/**
 * Checks of the backend's connection arguments: exactly one of `url`,
 * `client`, `cluster` and `sentinel`, each of the expected shape.
 *
 * @module
 */
import { ValidationError } from '../errors.js';

interface TargetArguments {
  url?: unknown;
  client?: unknown;
  cluster?: unknown;
  sentinel?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Throws a `dogpile-cache:` TypeError or ValidationError for anything but one well-formed connection argument (or none). */
export function checkTarget(args: TargetArguments): void {
  const given = (['url', 'client', 'cluster', 'sentinel'] as const).filter((name) => args[name] !== undefined);
  if (given.length > 1) throw new ValidationError(`redis takes one of url, client, cluster or sentinel, got ${given.join(' and ')}`);
  const { url, client, cluster, sentinel } = args;
  if (url !== undefined && typeof url !== 'string') throw new TypeError('dogpile-cache: redis url must be a string');
  if (client !== undefined && (!isObject(client) || typeof client.sendCommand !== 'function')) {
    throw new TypeError('dogpile-cache: redis client must be a node-redis client (createClient() or createCluster() of the "redis" package)');
  }
  if (cluster !== undefined) {
    if (!isObject(cluster)) throw new TypeError('dogpile-cache: redis cluster must be the options of createCluster ({ rootNodes: [...] })');
    if (!Array.isArray(cluster.rootNodes) || cluster.rootNodes.length === 0 || !cluster.rootNodes.every(isObject)) {
      throw new ValidationError('redis cluster.rootNodes must be a non-empty array of node options, e.g. [{ url: "redis://127.0.0.1:7000" }]');
    }
  }
  if (sentinel !== undefined) {
    if (!isObject(sentinel)) throw new TypeError("dogpile-cache: redis sentinel must be the options of createSentinel ({ name, sentinelRootNodes })");
    if (typeof sentinel.name !== 'string' || sentinel.name === '') throw new ValidationError('redis sentinel.name must be the name of the monitored primary, e.g. "mymaster"');
    const nodes = sentinel.sentinelRootNodes;
    if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every((node) => isObject(node) && typeof node.host === 'string' && typeof node.port === 'number')) {
      throw new ValidationError('redis sentinel.sentinelRootNodes must be a non-empty array of { host, port }');
    }
  }
}
