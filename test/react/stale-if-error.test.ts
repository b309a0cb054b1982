// @vitest-environment happy-dom
import { staleIfErrorSuite } from '../hooks/stale-if-error-suite.js';
import { flush, mountHook } from './helpers.js';

staleIfErrorSuite('useCachedValue (React)', mountHook, flush);
