// The panel where developers use it: inside a real DevTools window. Chromium
// opens DevTools for every tab (--auto-open-devtools-for-tabs); the test
// selects the "dogpile-cache" panel through the DevTools front end and reads
// what the panel page shows.
import { expect, test, type CDPSession } from '@playwright/test';
import { launchWithExtension } from './extension.js';

/** Evaluates `expression` in another target (a DevTools front end, an extension frame) through the page's CDP session. */
function evaluator(cdp: CDPSession) {
  let nextId = 0;
  const pending = new Map<number, (result: unknown) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as { id?: number; result?: { result?: { value?: unknown } } };
    if (message.id !== undefined) pending.get(message.id)?.(message.result?.result?.value);
  });
  return async (targetId: string, expression: string): Promise<unknown> => {
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
    const id = ++nextId;
    const answer = new Promise((resolve) => pending.set(id, resolve));
    const params = { expression, awaitPromise: true, returnByValue: true };
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.evaluate', params }) });
    const value = await answer;
    pending.delete(id);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    return value;
  };
}

// Runs in the DevTools front end: shows the extension's panel if DevTools registered it.
const SHOW_PANEL = `(async () => {
  const UI = await import('./ui/legacy/legacy.js');
  const view = UI.InspectorView.InspectorView.instance();
  const id = view.tabbedPane.tabs.map((tab) => tab.id).find((id) => id.startsWith('chrome-extension://') && id.endsWith('dogpile-cache'));
  if (id) await view.showPanel(id);
  return id ?? null;
})()`;

// DevTools windows, the extension's devtools page and the panel start one after
// another; on a cold first run (nothing compiled or cached yet) that takes
// several seconds on a loaded 2-core machine.
const POLL = { timeout: 30_000 };

test('inside DevTools, the "dogpile-cache" panel inspects the page', async () => {
  const { extension, close } = await launchWithExtension(['--auto-open-devtools-for-tabs']);
  try {
    const page = await extension.context.newPage();
    await page.goto('/devtools/index.html');
    await page.evaluate(() => window.devtoolsDemo.ready);
    const cdp = await extension.context.newCDPSession(page);
    const evaluate = evaluator(cdp);
    const targets = async () => (await cdp.send('Target.getTargets')).targetInfos;

    // Every DevTools window (one per tab) gets the panel once the extension's devtools page ran.
    await expect
      .poll(async () => {
        const frontEnds = (await targets()).filter((t) => t.type === 'page' && t.url.startsWith('devtools://'));
        const shown = await Promise.all(frontEnds.map((t) => evaluate(t.targetId, SHOW_PANEL)));
        return frontEnds.length > 0 && shown.every((id) => typeof id === 'string');
      }, POLL)
      .toBe(true);

    const panelTexts = async () => {
      const panels = (await targets()).filter((t) => t.url === `chrome-extension://${extension.extensionId}/panel.html`);
      // A panel frame still loading has no body yet: it reads as empty.
      const texts = await Promise.all(panels.map((t) => evaluate(t.targetId, 'document.body?.innerText ?? ""')));
      return texts.map((text) => (typeof text === 'string' ? text : ''));
    };
    // The panel of this tab shows its regions, live; the panel of the blank start tab says plainly there is no cache.
    // (A panel that is not the visible one has no layout, so its innerText runs words together: match substrings.)
    await expect.poll(async () => (await panelTexts()).some((text) => text.includes('live') && text.includes('users') && text.includes('IndexedDBBackend')), POLL).toBe(true);
    await expect.poll(async () => (await panelTexts()).some((text) => text.includes('No dogpile-cache found on this page')), POLL).toBe(true);
  } finally {
    await close();
  }
});
