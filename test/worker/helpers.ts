import { makeRegion, type CacheRegion } from 'dogpile-cache';
import { RegionHost, wrapRegion, type ExposeRegionOptions, type WorkerRegionClient, type WrapRegionOptions } from 'dogpile-cache/worker';

export { deferred } from '../core/helpers.js';

/** Resolves once `check()` is true, polling every few ms (for state that changes in another port's task). */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Everything a test made, closed after it. */
export class Harness {
  readonly ports: MessagePort[] = [];
  readonly clients: WorkerRegionClient[] = [];
  readonly hosts: RegionHost[] = [];

  /** A region as a worker would have it. */
  region(name = 'r', expirationTime?: number): CacheRegion {
    return makeRegion({ name }).configure('memory', expirationTime === undefined ? {} : { expirationTime });
  }

  /** A host for `region` serving nothing yet. */
  host(region: CacheRegion, options?: ExposeRegionOptions): RegionHost {
    const host = new RegionHost(region, options);
    this.hosts.push(host);
    return host;
  }

  /** A page connected to `host` over a fresh MessageChannel; `port` is the page's end. */
  connect(host: RegionHost, options?: WrapRegionOptions): { client: WorkerRegionClient; port: MessagePort; workerPort: MessagePort } {
    const { port1, port2 } = new MessageChannel();
    this.ports.push(port1, port2);
    host.serve(port1);
    const client = wrapRegion(port2, options);
    this.clients.push(client);
    return { client, port: port2, workerPort: port1 };
  }

  /** A channel whose worker end `host` serves; `port` is the page's end, for a client made elsewhere. */
  connectPort(host: RegionHost): { port: MessagePort; workerPort: MessagePort } {
    const { port1, port2 } = new MessageChannel();
    this.ports.push(port1, port2);
    host.serve(port1);
    return { port: port2, workerPort: port1 };
  }

  close(): void {
    for (const client of this.clients) client.close();
    for (const host of this.hosts) host.close();
    for (const port of this.ports) port.close();
  }
}
