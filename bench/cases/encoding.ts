/**
 * Suite `encoding` (Node): what the `localstorage` backend's lossless entry
 * format costs against plain JSON, on a realistic API payload (a page of 100
 * users, about 25 kB of JSON). Each op encodes the payload and decodes the
 * text again. The candidates for the payload encoding are measured beside
 * it: devalue (chosen) and @ungap/structured-clone's `json` export.
 *
 * @module
 */
import { parse as ungapParse, stringify as ungapStringify } from '@ungap/structured-clone/json';
import { parse as devalueParse, stringify as devalueStringify } from 'devalue';
import { CachedValue, VALUE_VERSION } from 'dogpile-cache';
import { decodeEntry, encodeEntry } from '../../src/browser/local-storage/entry.js';
import { unstorableReason } from '../../src/browser/storable.js';
import type { Suite, ThroughputCase } from './harness.js';

/** A page of an API response, as apps cache them: dates as strings, nested records, nulls. */
export function apiPage(): unknown {
  return {
    page: 1,
    total: 100,
    fetchedAt: '2026-01-01T00:00:00.000Z',
    items: Array.from({ length: 100 }, (_, i) => ({
      id: i,
      name: `User ${i}`,
      email: `user${i}@example.com`,
      active: i % 3 !== 0,
      score: i * 1.37,
      roles: ['reader', i % 2 ? 'editor' : 'viewer'],
      address: { street: `${i} Main St`, city: 'Springfield', zip: String(10000 + i) },
      tags: ['a', 'b', 'c'].slice(0, i % 4),
      updated: '2026-01-01T00:00:00.000Z',
      manager: i > 0 ? i - 1 : null,
    })),
  };
}

function roundTrip(name: string, library: string, encode: (value: unknown) => string, decode: (text: string) => unknown): ThroughputCase {
  const payload = apiPage();
  const size = encode(payload).length;
  return {
    kind: 'throughput',
    name: `${name} (${size.toLocaleString('en-US')} chars)`,
    library,
    async: false,
    async setup() {
      return () => decode(encode(payload));
    },
  };
}

const json = roundTrip('JSON.stringify + JSON.parse', '(platform)', JSON.stringify, JSON.parse);

/** The suite; the baseline is plain JSON, what the backend wrote before. */
export function encodingSuite(): Suite {
  return {
    id: 'encoding',
    title: 'localStorage entry encoding: encode + decode of a 100-user API page',
    baseline: json.name,
    metric: 'nsPerUnit',
    cases: [
      json,
      roundTrip(
        'dogpile entry (storable check + header + devalue)',
        'dogpile-cache',
        (payload) => {
          if (unstorableReason(payload, 'refuse')) throw new Error('not storable');
          return encodeEntry(new CachedValue(payload, { ct: 1, v: VALUE_VERSION }), 'token', 'tab');
        },
        (text) => decodeEntry(text),
      ),
      roundTrip('devalue stringify + parse', 'devalue', (v) => devalueStringify(v), devalueParse),
      roundTrip('@ungap/structured-clone/json', '@ungap/structured-clone', ungapStringify, ungapParse),
    ],
  };
}
