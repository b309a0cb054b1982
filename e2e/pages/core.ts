// Exposes the isomorphic core to tests as `window.dogpile`.
import * as dogpile from 'dogpile-cache';

declare global {
  interface Window {
    dogpile: typeof dogpile;
  }
}
window.dogpile = dogpile;
