// Embeds the forger from the other test origin (localhost vs 127.0.0.1).
// `forgeFromFrame(label)` has it post its forgeries to this window and
// resolves once it says it is done.
declare global {
  interface Window {
    forgerReady: Promise<void>;
    forgeFromFrame: (label: string) => Promise<void>;
  }
}

const otherOrigin = location.hostname === '127.0.0.1' ? `http://localhost:${location.port}` : `http://127.0.0.1:${location.port}`;
const frame = document.createElement('iframe');
frame.src = `${otherOrigin}/devtools/forger.html`;

function fromFrame(test: (data: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent) => {
      if (event.origin !== otherOrigin || typeof event.data !== 'object' || event.data === null || !test(event.data)) return;
      removeEventListener('message', listener);
      resolve();
    };
    addEventListener('message', listener);
  });
}

window.forgerReady = fromFrame((data) => data.forgerReady === true);
window.forgeFromFrame = (label) => {
  const done = fromFrame((data) => data.forgerDone === label);
  frame.contentWindow!.postMessage({ forge: label }, otherOrigin);
  return done;
};
document.body.append(frame);
export {};
