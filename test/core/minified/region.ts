// The one region both modules cache in (as an app's cache module would export it).
import { makeRegion } from 'dogpile-cache';

export const region = makeRegion({ name: 'app' }).configure('memory');
