// Embeds the forger from the other test origin (localhost vs 127.0.0.1) and
// records when it says it is done, so the test knows its messages were posted.
declare global {
  interface Window {
    forgerDone: Promise<void>;
  }
}

const otherOrigin = location.hostname === '127.0.0.1' ? `http://localhost:${location.port}` : `http://127.0.0.1:${location.port}`;
window.forgerDone = new Promise((resolve) => {
  addEventListener('message', (event) => {
    if (event.origin === otherOrigin && (event.data as { forgerDone?: string })?.forgerDone === 'framed') resolve();
  });
});
const frame = document.createElement('iframe');
frame.src = `${otherOrigin}/devtools/forger.html`;
document.body.append(frame);
export {};
