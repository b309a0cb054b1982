/// <reference types="chrome" />
/**
 * The DevTools page: adds the "dogpile-cache" panel.
 *
 * @module
 */
chrome.devtools.panels.create('dogpile-cache', 'icon-32.png', 'panel.html');
