// The demo page: three regions side by side over one slow API, in every tab.
import { render } from 'preact';
import { inspect } from 'dogpile-cache/devtools';
import { App } from './app.js';
import { createRegions, expirationFromUrl, normalizeQuery } from './regions.js';
import { createMemoryMirror } from './memory-mirror.js';

const expirationTime = expirationFromUrl(location.search);
const regions = createRegions(expirationTime);
// The devtools extension finds these regions through the inspector.
inspect(...regions.map((demo) => demo.region));

const initialQuery = normalizeQuery(new URLSearchParams(location.search).get('q') ?? 'cache');
render(
  <App regions={regions} mirror={createMemoryMirror()} initialQuery={initialQuery} expirationTime={expirationTime} />,
  document.getElementById('app')!,
);
