// Worker script of the worker suite's floors: a raw postMessage echo, and a
// comlink-exposed Map lookup (the transport dogpile-cache/worker uses).
import { expose } from 'comlink';

const values = new Map<string, unknown>([['user:1', { id: 'user:1', name: 'user user:1' }]]);

self.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { echo?: number; port?: MessagePort };
  if (data.port) expose({ get: (key: string) => values.get(key) }, data.port);
  else if (data.echo !== undefined) (self as unknown as Worker).postMessage({ echo: data.echo, value: values.get('user:1') });
});
