// The whole `dogpile-cache/devtools` entry (the page-side inspector).
export * from 'dogpile-cache/devtools';
