// Worker suite: a region hosted in a (Shared)Worker, hit from the page.
import { workerSuite } from '../cases/worker.js';
import { exposeSuites } from './page-api.js';

exposeSuites({ worker: { build: workerSuite } });
