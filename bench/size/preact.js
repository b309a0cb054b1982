// The whole `dogpile-cache/preact` entry (preact itself is the app's, so it is not counted).
export * from 'dogpile-cache/preact';
