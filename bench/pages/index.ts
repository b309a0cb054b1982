// Memory suites in the page: the same cases as in Node, run by Chromium.
import { memoryHitSuite } from '../cases/memory-hit.js';
import { stampedeSuite } from '../cases/stampede.js';
import { exposeSuites } from './page-api.js';

exposeSuites({
  'memory-hit': { build: memoryHitSuite },
  stampede: { build: stampedeSuite },
});
