// @vitest-environment happy-dom
import { keyChangeSuite } from '../hooks/key-change-suite.js';
import { controlledCreator, flush, mountHook } from './helpers.js';

keyChangeSuite('useCachedValue (Preact)', mountHook, () => controlledCreator<string>(), flush);
